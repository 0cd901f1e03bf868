#include "server/rag_ingest.h"

#include <cpp-httplib/httplib.h>

#include "base/utf8.h"
#include "net/http_fetch.h"
#include "rag/collection.h"
#include "rag/document_loader.h"
#include "rag/document_pipeline.h"
#include "server/request_util.h"
#include "server/server.h"

namespace suanli::server {

namespace {

using json = nlohmann::json;

constexpr size_t kMaxFieldBytes = 64 << 10;
constexpr size_t kMaxSourceBytes = 4096;

std::string MiB(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

Status CheckSource(const std::string& source) {
  if (source.empty()) return InvalidArgumentError("source must name the document (a file name, path or URL)");
  if (source.size() > kMaxSourceBytes || !IsValidUtf8(source)) {
    return InvalidArgumentError("source must be valid UTF-8 of at most 4096 bytes");
  }
  return OkStatus();
}

StatusOr<json> ParseMetadataText(const std::string& text) {
  if (text.empty()) return json();
  json metadata = json::parse(text, nullptr, false);
  if (metadata.is_discarded() || !metadata.is_object()) return InvalidArgumentError("metadata must be a JSON object");
  return metadata;
}

StatusOr<DocumentUpload> ReadMultipart(const httplib::ContentReader& reader, uint64_t max_bytes) {
  DocumentUpload upload;
  std::string source_field, metadata_field, stream_field;
  std::string* target = nullptr;
  size_t cap = 0;
  bool has_file = false;
  Status error;
  const bool read = reader(
      [&](const httplib::FormData& part) {
        target = nullptr;
        if (part.name == "file") {
          if (has_file) {
            error = InvalidArgumentError("send one file per request");
            return false;
          }
          has_file = true;
          target = &upload.bytes;
          cap = max_bytes;
          upload.name_hint = part.filename;
          upload.content_type = part.content_type;
        } else if (part.name == "source") {
          target = &source_field, cap = kMaxFieldBytes;
        } else if (part.name == "metadata") {
          target = &metadata_field, cap = kMaxFieldBytes;
        } else if (part.name == "stream") {
          target = &stream_field, cap = 16;
        }
        return true;  // unknown parts are read and dropped
      },
      [&](const char* data, size_t n) {
        if (target == nullptr) return true;
        if (target->size() + n > cap) {
          error = InvalidArgumentError(target == &upload.bytes ? "the document is larger than " + MiB(max_bytes)
                                                               : "a form field is too long");
          return false;
        }
        target->append(data, n);
        return true;
      });
  if (!error.ok()) return error;
  if (!read) return InvalidArgumentError("the upload ended early");
  if (!has_file) return InvalidArgumentError("the form has no 'file' part");
  upload.source = source_field.empty() ? upload.name_hint : source_field;
  ASSIGN_OR_RETURN(upload.metadata, ParseMetadataText(metadata_field));
  if (!stream_field.empty()) {
    if (stream_field != "true" && stream_field != "false") return InvalidArgumentError("stream must be true or false");
    upload.stream = stream_field == "true";
  }
  return upload;
}

StatusOr<DocumentUpload> ReadJson(const httplib::ContentReader& reader, uint64_t max_bytes) {
  // JSON escapes make text longer than the document it carries.
  const uint64_t cap = max_bytes * 2 + (1 << 20);
  std::string text;
  bool too_big = false;
  const bool read = reader([&](const char* data, size_t n) {
    if (text.size() + n > cap) {
      too_big = true;
      return false;
    }
    text.append(data, n);
    return true;
  });
  if (too_big) return InvalidArgumentError("the document is larger than " + MiB(max_bytes));
  if (!read) return InvalidArgumentError("the upload ended early");
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return InvalidArgumentError("invalid JSON body");
  DocumentUpload upload;
  const json& url = body.value("url", json());
  const json& content = body.value("text", json());
  if (!url.is_null() == !content.is_null()) return InvalidArgumentError("send either text (with a source) or a url");
  if (!url.is_null()) {
    if (!url.is_string()) return InvalidArgumentError("url must be a string");
    upload.url = url.get<std::string>();
    upload.name_hint = upload.url;
    upload.source = upload.url;
  } else {
    if (!content.is_string()) return InvalidArgumentError("text must be a string");
    upload.bytes = content.get<std::string>();
    if (upload.bytes.size() > max_bytes) return InvalidArgumentError("the document is larger than " + MiB(max_bytes));
  }
  if (auto source = body.find("source"); source != body.end() && !source->is_null()) {
    if (!source->is_string()) return InvalidArgumentError("source must be a string");
    upload.source = source->get<std::string>();
  }
  if (upload.name_hint.empty()) upload.name_hint = upload.source;
  if (auto metadata = body.find("metadata"); metadata != body.end() && !metadata->is_null()) {
    if (!metadata->is_object()) return InvalidArgumentError("metadata must be a JSON object");
    upload.metadata = *metadata;
  }
  if (auto stream = body.find("stream"); stream != body.end() && !stream->is_null()) {
    if (!stream->is_boolean()) return InvalidArgumentError("stream must be a boolean");
    upload.stream = stream->get<bool>();
  }
  return upload;
}

json ResultJson(const rag::IngestResult& result) {
  return {{"document_id", result.document_id}, {"chunks", result.chunks}, {"status", rag::IngestStatusName(result.status)}};
}

}  // namespace

StatusOr<DocumentUpload> ReadDocumentBody(const httplib::Request& req, const httplib::ContentReader& reader,
                                          uint64_t max_bytes) {
  ASSIGN_OR_RETURN(DocumentUpload upload,
                   req.is_multipart_form_data() ? ReadMultipart(reader, max_bytes) : ReadJson(reader, max_bytes));
  RETURN_IF_ERROR(CheckSource(upload.source));
  return upload;
}

StatusOr<std::string> Server::FetchDocumentUrl(const std::string& url, std::string* content_type,
                                               const std::function<bool()>& client_gone) {
  net::UrlParts parts;
  if (!net::SplitUrl(url, &parts) || (parts.scheme != "http" && parts.scheme != "https")) {
    return InvalidArgumentError("url must be an http or https URL");
  }
  net::FetchRequest request;
  request.url = url;
  request.headers = {{"Accept", "text/html,application/xhtml+xml,text/plain,text/markdown,application/pdf;q=0.9,*/*;q=0.5"},
                     {"User-Agent", "suanli/" + options_.version}};
  request.max_body_bytes = options_.rag.max_document_bytes;
  request.allow_http = true;
  // A URL from a client must not reach the server's own network unless the
  // operator allows it (SSRF); link-local (cloud metadata) never.
  request.check_first_hop = true;
  request.allow_private_redirects = options_.rag.allow_private_urls;
  request.stall_timeout_s = options_.rag.url_timeout_s;
  request.total_timeout_s = options_.rag.url_timeout_s * 4;
  std::string body;
  request.on_data = [&](const char* data, size_t n) {
    if (client_gone()) return false;  // the client left: stop fetching
    body.append(data, n);
    return true;
  };
  auto response = net::HttpFetch(request);
  if (!response.ok()) {
    if (response.status().code() == StatusCode::kResourceExhausted) {
      return InvalidArgumentError("the page at " + url + " is larger than the document size limit");
    }
    return Status(response.status().code(), "could not fetch " + url + ": " + response.status().message());
  }
  if (response->status < 200 || response->status >= 300) {
    return InvalidArgumentError("could not fetch " + url + ": the server answered " + std::to_string(response->status));
  }
  *content_type = response->Header("content-type");
  return body;
}

void Server::IngestDocument(std::shared_ptr<rag::Collection> collection, DocumentUpload upload,
                            const httplib::Request& req, httplib::Response& res) {
  auto client_gone = [&req] { return req.is_connection_closed(); };
  if (!upload.url.empty()) {
    auto bytes = FetchDocumentUrl(upload.url, &upload.content_type, client_gone);
    if (!bytes.ok()) return ReplyError(res, bytes.status());
    upload.bytes = std::move(*bytes);
  }
  rag::LoaderOptions loader;
  loader.max_bytes = options_.rag.max_document_bytes;
  auto document = rag::LoadDocument(upload.bytes, upload.name_hint, upload.content_type, loader);
  if (!document.ok()) return ReplyError(res, document.status());
  auto info = collection->Info();
  if (!info.ok()) return ReplyError(res, info.status());
  rag::ChunkerOptions chunker{static_cast<size_t>(info->chunk_size), static_cast<size_t>(info->chunk_overlap)};
  auto input = rag::PrepareDocument(upload.source, *document, upload.metadata, chunker);
  if (!input.ok()) return ReplyError(res, input.status());

  if (!upload.stream) {
    auto result = collection->AddDocument(*input, EmbedderFor(info->embed_model, client_gone),
                                          [&](int64_t, int64_t) { return !client_gone(); });
    if (!result.ok()) return ReplyError(res, result.status());
    return ReplyJson(res, ResultJson(*result));
  }
  auto shared_input = std::make_shared<rag::DocumentInput>(std::move(*input));
  const std::string embed_model = info->embed_model;
  res.set_chunked_content_provider(
      "application/x-ndjson", [this, collection, shared_input, embed_model, &req](size_t, httplib::DataSink& sink) {
        auto write = [&](const json& line) {
          const std::string text = JsonLine(line);
          return sink.write(text.data(), text.size());
        };
        const int64_t total = static_cast<int64_t>(shared_input->chunks.size());
        bool open = write({{"status", "embedding"}, {"total", total}, {"completed", 0}});
        auto gone = [&req] { return req.is_connection_closed(); };
        auto result = collection->AddDocument(*shared_input, EmbedderFor(embed_model, gone),
                                              [&](int64_t done, int64_t all) {
                                                open = open && write({{"status", "embedding"}, {"total", all}, {"completed", done}});
                                                return open;
                                              });
        if (result.ok()) {
          write(ResultJson(*result));
        } else if (result.status().code() != StatusCode::kCancelled) {
          write({{"error", result.status().message()}});
        }
        sink.done();
        return true;
      });
}

}  // namespace suanli::server
