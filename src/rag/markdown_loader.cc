#include "rag/markdown_loader.h"

#include <string_view>
#include <vector>

#include "rag/heading_trail.h"
#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

struct Line {
  std::string_view text;
  size_t start;  // code-point offset of the line in the document
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t offset = 0;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    lines.push_back({line, offset});
    offset += CountCodePoints(line) + 1;
    begin = end + 1;
  }
  return lines;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The line without its leading spaces; `indented` tells whether it is indented
// four spaces or a tab (a code block line, never a heading or a fence).
std::string_view Unindent(std::string_view line, bool* indented) {
  size_t spaces = 0;
  while (spaces < line.size() && line[spaces] == ' ') ++spaces;
  *indented = spaces >= 4 || (spaces < line.size() && line[spaces] == '\t');
  return line.substr(spaces);
}

// Level 1-6 and the heading text of an ATX heading line, or 0.
int AtxHeading(std::string_view line, std::string* text) {
  bool indented;
  line = Unindent(line, &indented);
  if (indented) return 0;
  int level = 0;
  while (level < static_cast<int>(line.size()) && line[level] == '#') ++level;
  if (level == 0 || level > 6) return 0;
  if (static_cast<size_t>(level) < line.size() && line[level] != ' ' && line[level] != '\t') return 0;
  std::string_view rest = TrimSpaces(line.substr(level));
  // A closing run of '#' preceded by a space (or making up the whole rest).
  size_t hashes = rest.size();
  while (hashes > 0 && rest[hashes - 1] == '#') --hashes;
  if (hashes == 0) {
    rest = {};
  } else if (hashes < rest.size() && (rest[hashes - 1] == ' ' || rest[hashes - 1] == '\t')) {
    rest = TrimSpaces(rest.substr(0, hashes));
  }
  *text = std::string(rest);
  return level;
}

// 1 for a "===" underline, 2 for "---", else 0.
int SetextUnderline(std::string_view line) {
  bool indented;
  line = TrimSpaces(Unindent(line, &indented));
  if (indented || line.empty() || (line[0] != '=' && line[0] != '-')) return 0;
  for (char c : line) {
    if (c != line[0]) return 0;
  }
  return line[0] == '=' ? 1 : 2;
}

// The fence string ("```" or "~~~~"...) that opens or closes a code block, or "".
std::string_view Fence(std::string_view line) {
  bool indented;
  line = Unindent(line, &indented);
  if (indented || line.size() < 3 || (line[0] != '`' && line[0] != '~')) return {};
  size_t run = 0;
  while (run < line.size() && line[run] == line[0]) ++run;
  return run >= 3 ? line.substr(0, run) : std::string_view();
}

// Text that an underline turns into a heading: not blank, not a list item or quote.
bool IsParagraphLine(std::string_view line) {
  bool indented;
  line = TrimSpaces(Unindent(line, &indented));
  if (indented || line.empty() || line[0] == '>') return false;
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') return false;
  return true;
}

}  // namespace

LoadedDocument LoadMarkdown(std::string text) {
  LoadedDocument doc;
  doc.metadata = {{"type", "markdown"}};
  const std::vector<Line> lines = SplitLines(text);
  HeadingTrail trail;
  std::string_view open_fence;
  bool paragraph = false;  // the previous line is paragraph text (a setext candidate)
  const auto add_section = [&](int level, std::string heading, size_t start) {
    if (heading.empty()) return;
    if (level == 1 && !doc.metadata.contains("title")) doc.metadata["title"] = heading;
    trail.Enter(level, std::move(heading));
    doc.sections.push_back({start, {{"heading", trail.Path()}}});
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i].text;
    const std::string_view fence = Fence(line);
    if (!open_fence.empty()) {
      // A closing fence: the same character, at least as long, nothing after it.
      if (!fence.empty() && fence[0] == open_fence[0] && fence.size() >= open_fence.size() &&
          TrimSpaces(line).size() == fence.size()) {
        open_fence = {};
      }
      paragraph = false;
      continue;
    }
    if (!fence.empty()) {
      open_fence = fence;
      paragraph = false;
      continue;
    }
    std::string heading;
    if (const int level = AtxHeading(line, &heading); level > 0) {
      add_section(level, std::move(heading), lines[i].start);
      paragraph = false;
      continue;
    }
    if (const int level = SetextUnderline(line); level > 0 && paragraph) {
      // The heading is the paragraph line above; its section starts there.
      add_section(level, std::string(TrimSpaces(lines[i - 1].text)), lines[i - 1].start);
      paragraph = false;
      continue;
    }
    paragraph = IsParagraphLine(line);
  }
  doc.text = std::move(text);
  return doc;
}

}  // namespace suanli::rag
