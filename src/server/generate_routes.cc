// /api/generate and /api/chat: the request is prepared (completion_prepare),
// then answered as load/unload/debug replies or a streamed (NDJSON) or whole
// completion in Ollama's shapes (native_format). A "rag" object grounds the
// question in a collection first (rag_grounding) and the final object then
// carries "citations".
#include <cpp-httplib/httplib.h>

#include "server/completion_prepare.h"
#include "server/native_format.h"
#include "server/server.h"

namespace suanli::server {

void Server::RegisterGenerateRoutes() {
  auto handle = [this](bool chat, const httplib::Request& req, httplib::Response& res) {
    PrepareOptions options;
    options.chat = chat;
    options.client_gone = [&req] { return req.is_connection_closed(); };
    auto body = ParseOrderedBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto citations = GroundWithRag(&*body, chat, options.client_gone);
    if (!citations.ok()) return ReplyError(res, citations.status());
    auto prepared = PrepareCompletion(*body, CompletionDeps{store_, scheduler_, options_.defaults}, options);
    if (!prepared.ok()) return ReplyError(res, prepared.status());

    using Kind = PreparedCompletion::Kind;
    if (prepared->kind == Kind::kRendered) {
      return ReplyJson(res, {{"model", prepared->model},
                             {"created_at", CreatedAtNow()},
                             {"_debug_info", {{"rendered_template", prepared->rendered}}}});
    }
    if (prepared->kind == Kind::kLoaded || prepared->kind == Kind::kUnloaded) {
      json out = {{"model", prepared->model},
                  {"created_at", CreatedAtNow()},
                  {"done", true},
                  {"done_reason", prepared->kind == Kind::kLoaded ? "load" : "unload"}};
      if (chat)
        out["message"] = {{"role", "assistant"}, {"content", ""}};
      else
        out["response"] = "";
      return ReplyJson(res, out);
    }

    std::shared_ptr<CompletionJob> job = prepared->job;
    if (!job->stream) {
      auto result = RunCompletion(*job, [](const CompletionDelta&) { return true; });
      if (!result.ok()) return ReplyError(res, result.status());
      json final = NativeFinal(*job, *result);
      if (!citations->is_null()) final["citations"] = *citations;
      return ReplyJson(res, final);
    }
    res.set_chunked_content_provider("application/x-ndjson", [job, citations = *citations](size_t,
                                                                                          httplib::DataSink& sink) {
      auto write = [&](const json& line) {
        const std::string text = JsonLine(line);
        return sink.write(text.data(), text.size());
      };
      int tool_index = 0;
      auto result = RunCompletion(*job, [&](const CompletionDelta& d) {
        const bool ok = write(NativeChunk(*job, d, tool_index));
        tool_index += static_cast<int>(d.tool_calls.size());
        return ok;
      });
      if (result.ok()) {
        json final = NativeFinal(*job, *result);
        if (!citations.is_null()) final["citations"] = citations;
        write(final);
      } else if (result.status().code() != StatusCode::kCancelled) {
        write({{"error", result.status().message()}});
      }
      job->lease.reset();  // free the slot before the connection winds down
      sink.done();
      return true;
    });
  };
  http_->Post("/api/generate",
              [handle](const httplib::Request& req, httplib::Response& res) { handle(false, req, res); });
  http_->Post("/api/chat", [handle](const httplib::Request& req, httplib::Response& res) { handle(true, req, res); });
}

}  // namespace suanli::server
