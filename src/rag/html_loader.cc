#include "rag/html_loader.h"

#include <gumbo.h>

#include <memory>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "rag/html_nesting.h"
#include "rag/html_text.h"

namespace suanli::rag {

namespace {

// Longest metadata value kept (bytes).
constexpr size_t kMaxMetadataBytes = 2048;

struct OutputDeleter {
  void operator()(GumboOutput* output) const { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};

bool IsElement(const GumboNode* node) { return node->type == GUMBO_NODE_ELEMENT; }

std::string Attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&node->v.element.attributes, name);
  return attribute == nullptr ? "" : attribute->value;
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Trimmed (white space collapsed) and capped, or "".
std::string CleanValue(std::string value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  out.resize(Utf8SafePrefix(out, kMaxMetadataBytes));
  return out;
}

// Elements of interest found in one pass over the tree.
struct PageParts {
  const GumboNode* body = nullptr;
  const GumboNode* main = nullptr;
  std::vector<const GumboNode*> articles;  // outermost ones only
  std::string title, og_title, description, og_description;
};

void Scan(const GumboNode* root, PageParts* parts) {
  struct Item {
    const GumboNode* node;
    bool in_article;
  };
  std::vector<Item> stack = {{root, false}};
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    const GumboNode* node = item.node;
    if (!IsElement(node)) continue;
    const GumboTag tag = node->v.element.tag;
    bool in_article = item.in_article;
    if (tag == GUMBO_TAG_BODY && parts->body == nullptr) parts->body = node;
    if ((tag == GUMBO_TAG_MAIN || Lower(Attribute(node, "role")) == "main") && parts->main == nullptr) {
      parts->main = node;
    }
    if (tag == GUMBO_TAG_ARTICLE && !in_article) {
      parts->articles.push_back(node);
      in_article = true;
    }
    if (tag == GUMBO_TAG_TITLE && parts->title.empty()) parts->title = CleanValue(CollapsedText(node));
    if (tag == GUMBO_TAG_META) {
      const std::string name = Lower(Attribute(node, "name"));
      const std::string property = Lower(Attribute(node, "property"));
      const std::string content = CleanValue(Attribute(node, "content"));
      if (name == "description" && parts->description.empty()) parts->description = content;
      if ((property == "og:description" || name == "twitter:description") && parts->og_description.empty()) {
        parts->og_description = content;
      }
      if ((property == "og:title" || name == "twitter:title") && parts->og_title.empty()) parts->og_title = content;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i > 0; --i) {
      stack.push_back({static_cast<const GumboNode*>(children.data[i - 1]), in_article});
    }
  }
}

}  // namespace

StatusOr<LoadedDocument> LoadHtml(std::string_view utf8) {
  if (EstimateHtmlDepth(utf8) > kMaxHtmlDepth) {
    return InvalidArgumentError("the html nests elements more than " + std::to_string(kMaxHtmlDepth) +
                                " deep: send its text instead");
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are not reported to anyone
  std::unique_ptr<GumboOutput, OutputDeleter> output(gumbo_parse_with_options(&options, utf8.data(), utf8.size()));
  if (output == nullptr || output->root == nullptr) {
    return ResourceExhaustedError("cannot parse the html document: out of memory");
  }
  PageParts parts;
  Scan(output->root, &parts);

  HtmlText content;
  if (parts.main != nullptr) {
    content = ExtractHtmlText({parts.main});
  } else if (!parts.articles.empty()) {
    content = ExtractHtmlText(parts.articles);
  }
  if (content.text.empty() && parts.body != nullptr) content = ExtractHtmlText({parts.body});

  LoadedDocument doc;
  doc.text = std::move(content.text);
  doc.sections = std::move(content.sections);
  doc.metadata = {{"type", "html"}};
  const std::string title = parts.title.empty() ? parts.og_title : parts.title;
  const std::string description = parts.description.empty() ? parts.og_description : parts.description;
  if (!title.empty()) doc.metadata["title"] = title;
  if (!description.empty()) doc.metadata["description"] = description;
  if (IsElement(output->root)) {
    const std::string language = CleanValue(Attribute(output->root, "lang"));
    if (!language.empty()) doc.metadata["language"] = language;
  }
  return doc;
}

}  // namespace suanli::rag
