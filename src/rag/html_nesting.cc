#include "rag/html_nesting.h"

#include <algorithm>
#include <string>

namespace suanli::rag {

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '_';
}

std::string LowerName(std::string_view html, size_t begin, size_t* end) {
  std::string name;
  size_t i = begin;
  while (i < html.size() && IsNameChar(html[i])) {
    const char c = html[i++];
    name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  *end = i;
  return name;
}

// Elements that take no end tag, or whose end tag is implied by a sibling or
// parent, so that they never add up to depth in real documents.
bool Uncounted(const std::string& name) {
  static constexpr std::string_view kNames[] = {
      "area",  "base",     "br",      "col",      "embed", "hr",   "img",   "input",    "keygen", "link",
      "meta",  "param",    "source",  "track",    "wbr",   "p",    "li",    "dt",       "dd",     "tr",
      "td",    "th",       "option",  "optgroup", "rp",    "rt",   "rb",    "rtc",      "tbody",  "thead",
      "tfoot", "colgroup", "caption", "html",     "head",  "body", "frame", "basefont", "bgsound"};
  for (std::string_view known : kNames) {
    if (name == known) return true;
  }
  return false;
}

bool IsRawText(const std::string& name) {
  return name == "script" || name == "style" || name == "textarea" || name == "title" || name == "xmp" ||
         name == "iframe" || name == "noembed" || name == "noframes" || name == "plaintext";
}

size_t FindNoCase(std::string_view html, std::string_view needle, size_t from) {
  for (size_t i = html.find('<', from); i != std::string_view::npos; i = html.find('<', i + 1)) {
    if (i + needle.size() > html.size()) return std::string_view::npos;
    bool match = true;
    for (size_t k = 0; k < needle.size() && match; ++k) {
      char c = html[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      match = c == needle[k];
    }
    if (match) return i;
  }
  return std::string_view::npos;
}

}  // namespace

size_t EstimateHtmlDepth(std::string_view html, size_t limit) {
  size_t depth = 0, deepest = 0;
  size_t foreign = 0;  // inside <svg> or <math>, where "/>" closes an element
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    const bool closing = i + 1 < html.size() && html[i + 1] == '/';
    size_t name_end;
    const std::string name = LowerName(html, i + (closing ? 2 : 1), &name_end);
    if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z'))) {
      ++i;
      continue;
    }
    const size_t close = html.find('>', name_end);
    if (close == std::string_view::npos) break;
    i = close + 1;
    if (closing) {
      if ((name == "svg" || name == "math") && foreign > 0) --foreign;
      if (!Uncounted(name) && depth > 0) --depth;
      continue;
    }
    if (IsRawText(name)) {
      const size_t end = FindNoCase(html, "</" + name, i);
      if (end == std::string_view::npos) break;
      i = end;
      continue;
    }
    const bool self_closing = html[close - 1] == '/';
    if (name == "svg" || name == "math") {
      if (self_closing) continue;
      ++foreign;
    }
    if (Uncounted(name) || (self_closing && foreign > 0)) continue;
    deepest = std::max(deepest, ++depth);
    if (deepest > limit) break;
  }
  return deepest;
}

}  // namespace suanli::rag
