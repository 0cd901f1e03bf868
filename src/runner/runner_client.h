// RunnerClient speaks the runner protocol over a runner's Unix socket. Each
// call opens its own connection, so one client may be used from many threads.
// A runner that dies mid-request yields an Unavailable error, never a hang.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace suanli::runner {

class RunnerClient {
 public:
  explicit RunnerClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  // GET /health. Unavailable when the runner does not answer.
  StatusOr<nlohmann::json> Health() const;
  // GET /memory: {"rss_bytes": N}.
  StatusOr<nlohmann::json> Memory() const;
  // POST `path` with a JSON body and read one JSON reply (embed, tokenize,
  // detokenize, render). Errors from the runner keep their code.
  StatusOr<nlohmann::json> Call(const std::string& path, const nlohmann::json& body) const;

  // POST /completion and hand each NDJSON line to `on_line` (return false to
  // cancel: the connection is closed and the runner stops the request).
  // Returns OK after the final {"done": true} line; the runner's error when it
  // sends one; Cancelled when on_line asked to stop; Unavailable when the
  // stream ends without a final line (runner died).
  Status Complete(const nlohmann::json& request,
                  const std::function<bool(const nlohmann::json&)>& on_line) const;

  // As Call and Complete, for bodies whose key order must reach the runner
  // (the properties of a JSON schema in `format` or in tool parameters).
  StatusOr<nlohmann::json> CallOrdered(const std::string& path, const nlohmann::ordered_json& body) const;
  Status CompleteOrdered(const nlohmann::ordered_json& request,
                         const std::function<bool(const nlohmann::json&)>& on_line) const;

 private:
  Status CompleteText(const std::string& body, const std::function<bool(const nlohmann::json&)>& on_line) const;

  std::string socket_path_;
};

}  // namespace suanli::runner
