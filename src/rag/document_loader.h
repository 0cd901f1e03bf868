// Turns uploaded bytes into plain text for chunking: plain text, Markdown,
// HTML (main content only) and PDF (text per page). The type is found from the
// content first (%PDF-, an HTML doctype or <html>), then from the Content-Type,
// then from the name's extension; anything else is plain text. Text is decoded
// from UTF-8 (BOM stripped), UTF-16 with a BOM, or GB18030 / Big5 when the
// bytes are not UTF-8 (a charset in the Content-Type or an HTML <meta> is tried
// first); line ends become "\n". Binary data is refused.
// Thread-safety: LoadDocument may be called from any thread.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::rag {

// Where a part of the text begins: {"heading": "H1 > H2"} (Markdown and HTML
// headings, the path of enclosing headings joined with " > ") or {"page": n}
// (PDF, 1-based).
struct DocumentSection {
  size_t start;  // code-point offset into LoadedDocument::text
  nlohmann::json metadata;
};

struct LoadedDocument {
  std::string text;  // valid UTF-8, never empty
  // "type": "text" | "markdown" | "html" | "pdf"; "encoding" for text types
  // ("utf-8", "utf-16le", "utf-16be", "gb18030", "big5"); when found: "title",
  // "description", "language" (HTML), "title", "pages" (PDF).
  nlohmann::json metadata;
  std::vector<DocumentSection> sections;  // in order of start
};

struct LoaderOptions {
  size_t max_bytes = 64 << 20;  // larger inputs are refused
  int max_pdf_pages = 2000;     // a PDF with more pages is refused
};

// `name_hint` is a file name or URL (its extension is used), `content_type` an
// HTTP Content-Type or "". Fails with InvalidArgument for input over the size
// limit, binary data, an undecodable encoding, an encrypted, corrupt or too
// long PDF, or a document without any text.
StatusOr<LoadedDocument> LoadDocument(std::string_view bytes, std::string_view name_hint, std::string_view content_type,
                                      const LoaderOptions& options = {});

}  // namespace suanli::rag
