// Reading a document upload for POST /api/rag/collections/{name}/documents:
// a JSON body ({"source", "text"} or {"url"}, with "metadata" and "stream")
// or a multipart/form-data body (a "file" part, optional "source",
// "metadata" (JSON text) and "stream" fields), read with a size cap.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace httplib {
struct Request;
class ContentReader;
}  // namespace httplib

namespace suanli::server {

struct DocumentUpload {
  std::string bytes;         // the document (empty when `url` is set)
  std::string url;           // to be fetched by the server
  std::string name_hint;     // file name or URL, for the loader
  std::string content_type;  // of the file part or the fetched page
  std::string source;        // identifies the document in the collection
  nlohmann::json metadata;   // object or null
  bool stream = false;
};

// InvalidArgument for a malformed body, a missing document, or a body over
// `max_bytes` (ResourceExhausted... reported as InvalidArgument "the document
// is larger than N MiB").
StatusOr<DocumentUpload> ReadDocumentBody(const httplib::Request& req, const httplib::ContentReader& reader,
                                          uint64_t max_bytes);

}  // namespace suanli::server
