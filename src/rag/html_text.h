// The readable text of parsed HTML (gumbo): block elements become line breaks
// (paragraph-like ones a blank line), white space is collapsed outside <pre>,
// scripts, styles, navigation, page headers and footers, asides, forms'
// controls and hidden elements are dropped, and h1-h6 become sections
// {"heading": "H1 > H2"}. Internal to the rag library. Thread-safety: pure
// function over a tree that is not modified.
#pragma once

#include <gumbo.h>

#include <string>
#include <vector>

#include "rag/document_loader.h"

namespace suanli::rag {

struct HtmlText {
  std::string text;
  std::vector<DocumentSection> sections;
};

// Text of the subtrees `roots` in order, separated by blank lines. The walk
// uses its own stack, so any nesting depth is safe.
HtmlText ExtractHtmlText(const std::vector<const GumboNode*>& roots);

// Text content of one element (no block structure), white space collapsed.
std::string CollapsedText(const GumboNode* node);

}  // namespace suanli::rag
