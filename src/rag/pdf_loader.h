// PDF documents (poppler-cpp): the text of each page in reading order, pages
// joined with a blank line, one section {"page": n} (1-based) per page with
// text. Internal to the rag library. Thread-safety: callable from any thread
// (PDF parsing is serialised inside).
#pragma once

#include <string_view>

#include "base/status.h"
#include "rag/document_loader.h"

namespace suanli::rag {

// True when `bytes` has the %PDF- header within its first 1024 bytes.
bool LooksLikePdf(std::string_view bytes);

// Metadata: "type": "pdf", "pages" and "title" (the document's Title) when
// set. InvalidArgument for a damaged or encrypted PDF, or one with more than
// `max_pages` pages. Poppler's diagnostics are silenced.
StatusOr<LoadedDocument> LoadPdf(std::string_view bytes, int max_pages);

}  // namespace suanli::rag
