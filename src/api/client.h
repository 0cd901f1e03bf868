// ApiClient: the HTTP client the CLI uses to talk to `suanli serve` (Ollama's
// native API). Thread-safe: it holds only immutable settings and every call
// opens its own connection. Server errors ({"error": "..."} with an HTTP
// status) come back as Status values with the server's message.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/host.h"
#include "base/status.h"

namespace suanli::api {

using json = nlohmann::json;

struct ClientOptions {
  HostAddress host;
  std::string user_agent = "suanli";
  int connect_timeout_s = 5;
  int read_timeout_s = 24 * 3600;  // model loads and long generations are slow
};

// The message for a server that cannot be reached.
inline constexpr const char* kNotRunningMessage =
    "could not connect to suanli; is it running? start it with 'suanli serve'";

class ApiClient {
 public:
  explicit ApiClient(ClientOptions options) : options_(std::move(options)) {}

  // JSON requests. An empty success body yields a null json. Fails with the
  // code that matches the HTTP status (see StatusFromHttp), or Unavailable
  // (kNotRunningMessage) when the server cannot be reached.
  StatusOr<json> Get(const std::string& path) const;
  StatusOr<json> Post(const std::string& path, const json& body) const;
  StatusOr<json> Delete(const std::string& path, const json& body) const;
  // HEAD: OK for a 2xx answer, NotFound for 404, and so on.
  Status Head(const std::string& path) const;

  // POSTs `body` and hands each NDJSON line to `on_line` in order (a final
  // line without a newline counts too). `on_line` returns false to stop: the
  // connection is closed, so the server cancels the request. `cancel`, when
  // given, may be set from any thread (or a signal handler) to do the same.
  // Returns OK when the stream ends; Cancelled when stopped; the server's
  // error for a non-2xx status or a mid-stream {"error": "..."} line.
  using LineFn = std::function<bool(const json&)>;
  Status PostStream(const std::string& path, const json& body, const LineFn& on_line,
                    const std::atomic<bool>* cancel = nullptr) const;

  // One part of a multipart/form-data body; `filename` and `content_type`
  // are sent when not empty. Names and file names must not contain quotes
  // or line breaks (the caller's responsibility).
  struct FormField {
    std::string name;
    std::string value;
    std::string filename;
    std::string content_type;
  };
  // PostStream with a multipart/form-data body (file uploads held in memory:
  // for documents, not models).
  Status PostFormStream(const std::string& path, const std::vector<FormField>& fields, const LineFn& on_line,
                        const std::atomic<bool>* cancel = nullptr) const;

  // POSTs the contents of `local_file` as the raw body (streamed from disk,
  // never held in memory), e.g. to /api/blobs/sha256:<hex>. `progress` (may be
  // empty) is called with the bytes sent so far and the total.
  using ProgressFn = std::function<void(uint64_t sent, uint64_t total)>;
  Status UploadFile(const std::string& path, const std::string& local_file, const ProgressFn& progress) const;

  const HostAddress& host() const { return options_.host; }

 private:
  Status PostStreamRaw(const std::string& path, const std::string& body, const std::string& content_type,
                       const LineFn& on_line, const std::atomic<bool>* cancel) const;

  ClientOptions options_;
};

// Maps an HTTP status and its body to a Status: 2xx OK; 400/405/413/422
// InvalidArgument; 404 NotFound; 409 AlreadyExists; 499 Cancelled; 503
// ResourceExhausted when the server is busy (queue full), else Unavailable;
// 504 DeadlineExceeded; anything else Internal. The message is the body's
// "error" string, else the body text, else "the server answered <code>".
Status StatusFromHttp(int http_status, const std::string& body);

}  // namespace suanli::api
