#include "rag/html_text.h"

#include <cctype>
#include <string_view>
#include <utility>

#include "rag/heading_trail.h"
#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

enum class Break { kNone = 0, kSpace = 1, kLine = 2, kParagraph = 3 };

bool Dropped(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_MAP:
      return true;
    default:
      return false;
  }
}

Break BlockBreak(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_FIGURE:
      return Break::kParagraph;
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HGROUP:
      return Break::kLine;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return Break::kSpace;
    default:
      return Break::kNone;
  }
}

int HeadingLevel(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1:
      return 1;
    case GUMBO_TAG_H2:
      return 2;
    case GUMBO_TAG_H3:
      return 3;
    case GUMBO_TAG_H4:
      return 4;
    case GUMBO_TAG_H5:
      return 5;
    case GUMBO_TAG_H6:
      return 6;
    default:
      return 0;
  }
}

bool Hidden(const GumboElement& element) {
  if (gumbo_get_attribute(&element.attributes, "hidden") != nullptr) return true;
  const GumboAttribute* aria = gumbo_get_attribute(&element.attributes, "aria-hidden");
  if (aria != nullptr && std::string_view(aria->value) == "true") return true;
  const GumboAttribute* style = gumbo_get_attribute(&element.attributes, "style");
  if (style == nullptr) return false;
  std::string compact;
  for (const char* c = style->value; *c != '\0'; ++c) {
    if (*c != ' ' && *c != '\t') compact.push_back(static_cast<char>(tolower(static_cast<unsigned char>(*c))));
  }
  return compact.find("display:none") != std::string::npos || compact.find("visibility:hidden") != std::string::npos;
}

bool CollapsibleSpace(char32_t cp) { return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0; }

// Appends text with collapsed white space and pending breaks, counting code points.
class TextBuilder {
 public:
  void RequestBreak(Break kind) {
    if (static_cast<int>(kind) > static_cast<int>(pending_)) pending_ = kind;
  }

  void Append(std::string_view text, bool preformatted) {
    for (size_t pos = 0; pos < text.size();) {
      char32_t cp;
      const size_t length = DecodeUtf8At(text, pos, &cp);
      if (!preformatted && CollapsibleSpace(cp)) {
        RequestBreak(Break::kSpace);
      } else if (preformatted && cp == '\n') {
        Flush();
        out_.push_back('\n');
        ++chars_;
      } else {
        Flush();
        out_.append(text.substr(pos, length));
        ++chars_;
      }
      pos += length;
    }
  }

  // The offset where the next visible character will go.
  size_t NextOffset() {
    Flush();
    return chars_;
  }
  bool empty() const { return out_.empty(); }
  // The text, without trailing white space.
  std::string Take() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n' || out_.back() == '\t')) out_.pop_back();
    return std::move(out_);
  }

 private:
  void Flush() {
    const Break kind = pending_;
    pending_ = Break::kNone;
    if (out_.empty() || kind == Break::kNone) return;
    if (kind == Break::kSpace) {
      if (out_.back() != ' ' && out_.back() != '\n') {
        out_.push_back(' ');
        ++chars_;
      }
      return;
    }
    while (!out_.empty() && out_.back() == ' ') {  // a line break replaces the spaces before it
      out_.pop_back();
      --chars_;
    }
    if (out_.empty()) return;
    const size_t wanted = kind == Break::kParagraph ? 2 : 1;
    size_t newlines = 0;
    while (newlines < out_.size() && out_[out_.size() - 1 - newlines] == '\n') ++newlines;
    for (; newlines < wanted; ++newlines) {
      out_.push_back('\n');
      ++chars_;
    }
  }

  std::string out_;
  size_t chars_ = 0;
  Break pending_ = Break::kNone;
};

struct Frame {
  const GumboNode* node;
  unsigned next_child;
};

class Extractor {
 public:
  HtmlText Run(const std::vector<const GumboNode*>& roots) {
    for (const GumboNode* root : roots) {
      builder_.RequestBreak(Break::kParagraph);
      Walk(root);
    }
    HtmlText result;
    result.text = builder_.Take();
    result.sections = std::move(sections_);
    return result;
  }

 private:
  void Walk(const GumboNode* root) {
    std::vector<Frame> stack;
    if (Enter(root)) stack.push_back({root, 0});
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const GumboVector& children = frame.node->v.element.children;
      if (frame.next_child >= children.length) {
        const GumboNode* done = frame.node;
        stack.pop_back();
        Leave(done);
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      if (Enter(child)) stack.push_back({child, 0});
    }
  }

  // Handles a node on the way down; true when its children are to be walked.
  bool Enter(const GumboNode* node) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        Text(node->v.text.text);
        return false;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        break;
      default:
        return false;
    }
    const GumboElement& element = node->v.element;
    const GumboTag tag = element.tag;
    if (Dropped(tag) || Hidden(element)) return false;
    if (tag == GUMBO_TAG_HEADER && article_depth_ == 0) return false;  // the page's header, not an article's
    if (tag == GUMBO_TAG_BR) {
      builder_.RequestBreak(Break::kLine);
      return false;
    }
    builder_.RequestBreak(BlockBreak(tag));
    if (tag == GUMBO_TAG_ARTICLE) ++article_depth_;
    if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING || tag == GUMBO_TAG_PLAINTEXT) ++pre_depth_;
    if (HeadingLevel(tag) > 0 && heading_level_ == 0) {
      heading_level_ = HeadingLevel(tag);
      heading_text_.clear();
      heading_start_ = std::string::npos;
    }
    return true;
  }

  void Leave(const GumboNode* node) {
    const GumboTag tag = node->v.element.tag;
    builder_.RequestBreak(BlockBreak(tag));
    if (tag == GUMBO_TAG_ARTICLE) --article_depth_;
    if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING || tag == GUMBO_TAG_PLAINTEXT) --pre_depth_;
    if (HeadingLevel(tag) > 0 && HeadingLevel(tag) == heading_level_) {
      std::string heading = CollapseSpaces(heading_text_);
      if (!heading.empty() && heading_start_ != std::string::npos) {
        trail_.Enter(heading_level_, std::move(heading));
        sections_.push_back({heading_start_, {{"heading", trail_.Path()}}});
      }
      heading_level_ = 0;
    }
  }

  void Text(const char* text) {
    if (heading_level_ > 0) {
      bool visible = false;
      for (const char* c = text; *c != '\0'; ++c)
        visible = visible || !CollapsibleSpace(static_cast<unsigned char>(*c));
      if (visible && heading_start_ == std::string::npos) heading_start_ = builder_.NextOffset();
      heading_text_ += text;
    }
    builder_.Append(text, pre_depth_ > 0);
  }

  static std::string CollapseSpaces(std::string_view text) {
    TextBuilder builder;
    builder.Append(text, false);
    return builder.Take();
  }

  TextBuilder builder_;
  HeadingTrail trail_;
  std::vector<DocumentSection> sections_;
  int article_depth_ = 0;
  int pre_depth_ = 0;
  int heading_level_ = 0;
  std::string heading_text_;
  size_t heading_start_ = std::string::npos;
};

}  // namespace

HtmlText ExtractHtmlText(const std::vector<const GumboNode*>& roots) { return Extractor().Run(roots); }

std::string CollapsedText(const GumboNode* node) {
  TextBuilder builder;
  std::vector<const GumboNode*> stack = {node};
  while (!stack.empty()) {
    const GumboNode* current = stack.back();
    stack.pop_back();
    if (current->type == GUMBO_NODE_TEXT || current->type == GUMBO_NODE_CDATA ||
        current->type == GUMBO_NODE_WHITESPACE) {
      builder.Append(current->v.text.text, false);
    } else if (current->type == GUMBO_NODE_ELEMENT || current->type == GUMBO_NODE_TEMPLATE) {
      const GumboVector& children = current->v.element.children;
      for (unsigned i = children.length; i > 0; --i)
        stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
  return builder.Take();
}

}  // namespace suanli::rag
