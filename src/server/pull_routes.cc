// /api/pull: Ollama's request ({"model", "insecure", "stream"}) and progress
// lines ({"status"} or {"status","digest","total","completed"}); streamed as
// NDJSON by default, else the last object. An error after the stream began is
// a final {"error": ...} line. A client that disconnects cancels the pull
// (its partial downloads stay for a later resume).
#include <cpp-httplib/httplib.h>

#include <atomic>

#include "server/server.h"

namespace suanli::server {

namespace {

json ProgressJson(const store::PullProgress& p) {
  json out = {{"status", p.status}};
  if (!p.digest.empty()) out["digest"] = p.digest;
  if (p.has_counts) {
    out["total"] = p.total;
    out["completed"] = p.completed;
  }
  return out;
}

StatusOr<bool> OptionalBool(const json& body, const char* key, bool fallback) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return InvalidArgumentError(std::string(key) + " must be true or false");
  return it->get<bool>();
}

}  // namespace

void Server::RegisterPullRoutes() {
  http_->Post("/api/pull", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto model = ModelField(*body);
    if (!model.ok()) return ReplyError(res, model.status());
    auto insecure = OptionalBool(*body, "insecure", false);
    if (!insecure.ok()) return ReplyError(res, insecure.status());
    auto stream = OptionalBool(*body, "stream", true);
    if (!stream.ok()) return ReplyError(res, stream.status());
    std::function<bool()> gone = req.is_connection_closed;

    if (!*stream) {
      store::PullProgress last;
      Status st = puller_->Pull(*model, *insecure, [&last](const store::PullProgress& p) { last = p; }, gone);
      if (!st.ok()) return ReplyError(res, st);
      return ReplyJson(res, ProgressJson(last));
    }
    const std::string name = *model;
    const bool allow_http = *insecure;
    res.set_chunked_content_provider("application/x-ndjson", [this, name, allow_http, gone](size_t,
                                                                                           httplib::DataSink& sink) {
      std::atomic<bool> writable{true};  // read by the pull's watch thread
      auto write = [&](const json& line) {
        if (!writable) return;
        const std::string text = JsonLine(line);
        if (!sink.write(text.data(), text.size())) writable = false;
      };
      Status st = puller_->Pull(
          name, allow_http, [&](const store::PullProgress& p) { write(ProgressJson(p)); },
          [&] { return !writable || gone(); });
      if (!st.ok() && st.code() != StatusCode::kCancelled) write({{"error", st.message()}});
      sink.done();
      return true;
    });
  });
}

}  // namespace suanli::server
