// HTML documents (gumbo): the text of the main content (<main>, else the
// <article> elements, else <body>), and "title", "description" and "language"
// metadata. Internal to the rag library. Thread-safety: pure function.
#pragma once

#include <string_view>

#include "base/status.h"
#include "rag/document_loader.h"

namespace suanli::rag {

// `utf8` is the decoded page. Metadata: "type": "html", and when present
// "title" (<title>, else og:title), "description" (<meta name=description>,
// else og:description) and "language" (<html lang>). InvalidArgument when the
// elements nest deeper than kMaxHtmlDepth (html_nesting.h).
StatusOr<LoadedDocument> LoadHtml(std::string_view utf8);

}  // namespace suanli::rag
