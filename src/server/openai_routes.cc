// The OpenAI-compatible routes: /v1/chat/completions, /v1/completions and
// /v1/embeddings translate their bodies (openai_request) into native ones,
// run them through the native path (completion_prepare, completion_runner,
// Server::Embed) and answer in OpenAI's shapes (openai_format), streaming as
// server-sent events; /v1/models lists the store.
#include <cpp-httplib/httplib.h>

#include "server/completion_prepare.h"
#include "server/openai_format.h"
#include "server/openai_request.h"
#include "server/server.h"

namespace suanli::server {

namespace {

void ReplyOpenAIError(httplib::Response& res, const Status& status, const std::string& param = "") {
  ReplyJson(res, OpenAIError(status, param), OpenAIHttpStatus(status));
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool Write(httplib::DataSink& sink, const std::string& text) { return sink.write(text.data(), text.size()); }

// Prepares one translated body; the error says which field when it can.
StatusOr<PreparedCompletion> Prepare(const nlohmann::ordered_json& native, bool chat, const CompletionDeps& deps,
                                     const httplib::Request& req, std::string* param) {
  PrepareOptions options;
  options.chat = chat;
  options.load_on_empty = false;
  options.client_gone = [&req] { return req.is_connection_closed(); };
  auto prepared = PrepareCompletion(native, deps, options);
  if (!prepared.ok()) {
    const std::string& m = prepared.status().message();
    if (prepared.status().code() == StatusCode::kNotFound)
      *param = "model";
    else if (m.find("format") != std::string::npos || m.find("schema") != std::string::npos)
      *param = "response_format";
    else if (m.find("tools") != std::string::npos)
      *param = "tools";
    else if (m.find("messages") != std::string::npos)
      *param = "messages";
  }
  return prepared;
}

// The reply to a _debug_render_only request.
json DebugRender(const PreparedCompletion& p) {
  return {{"model", p.model}, {"_debug_info", {{"rendered_template", p.rendered}}}};
}

}  // namespace

void Server::RegisterOpenAIRoutes() {
  http_->Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseOrderedBody(req);
    if (!body.ok()) return ReplyOpenAIError(res, body.status());
    std::string param;
    auto request = ChatRequestFromOpenAI(*body, &param);
    if (!request.ok()) return ReplyOpenAIError(res, request.status(), param);
    auto prepared =
        Prepare(request->native[0], true, CompletionDeps{store_, scheduler_, options_.defaults}, req, &param);
    if (!prepared.ok()) return ReplyOpenAIError(res, prepared.status(), param);
    if (prepared->kind == PreparedCompletion::Kind::kRendered) return ReplyJson(res, DebugRender(*prepared));

    std::shared_ptr<CompletionJob> job = prepared->job;
    const OpenAIResponseInfo info{NewOpenAIId("chatcmpl-"), UnixNow(), request->model};
    const int logprobs = request->logprobs;
    if (!request->stream) {
      auto result = RunCompletion(*job, [](const CompletionDelta&) { return true; });
      if (!result.ok()) return ReplyOpenAIError(res, result.status());
      return ReplyJson(res, ChatCompletion(info, *result, logprobs));
    }
    const bool include_usage = request->include_usage;
    res.set_chunked_content_provider(
        "text/event-stream", [job, info, logprobs, include_usage](size_t, httplib::DataSink& sink) {
          int tool_index = 0;
          auto result = RunCompletion(*job, [&](const CompletionDelta& d) {
            const bool ok = Write(sink, SseEvent(ChatChunk(info, d, tool_index, logprobs)));
            tool_index += static_cast<int>(d.tool_calls.size());
            return ok;
          });
          if (result.ok()) {
            Write(sink, SseEvent(ChatFinishChunk(info, FinishReason(*result))));
            if (include_usage) Write(sink, SseEvent(UsageChunk(info, "chat.completion.chunk", Usage(*result))));
            Write(sink, SseDone());
          } else if (result.status().code() != StatusCode::kCancelled) {
            Write(sink, SseEvent(OpenAIError(result.status())));
          }
          job->lease.reset();
          sink.done();
          return true;
        });
  });

  http_->Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseOrderedBody(req);
    if (!body.ok()) return ReplyOpenAIError(res, body.status());
    std::string param;
    auto request = CompletionRequestFromOpenAI(*body, &param);
    if (!request.ok()) return ReplyOpenAIError(res, request.status(), param);
    const CompletionDeps deps{store_, scheduler_, options_.defaults};
    // Prompts run one after another; the first is prepared before replying
    // so that its errors keep their status.
    auto first = Prepare(request->native[0], false, deps, req, &param);
    if (!first.ok()) return ReplyOpenAIError(res, first.status(), param);
    if (first->kind == PreparedCompletion::Kind::kRendered) return ReplyJson(res, DebugRender(*first));
    auto shared = std::make_shared<OpenAIRequest>(std::move(request).value());
    const OpenAIResponseInfo info{NewOpenAIId("cmpl-"), UnixNow(), shared->model};
    // Runs prompt `i` (preparing it unless it is the first), calling
    // `on_delta` while it streams.
    auto run = [this, deps, shared, first_job = first->job, &req](
                   size_t i,
                   const std::function<bool(const CompletionDelta&)>& on_delta) -> StatusOr<CompletionResult> {
      std::shared_ptr<CompletionJob> job = first_job;
      if (i > 0) {
        std::string ignored;
        ASSIGN_OR_RETURN(PreparedCompletion p, Prepare(shared->native[i], false, deps, req, &ignored));
        job = p.job;
      }
      auto result = RunCompletion(*job, on_delta);
      job->lease.reset();
      return result;
    };
    if (!shared->stream) {
      json choices = json::array();
      int64_t prompt_tokens = 0, completion_tokens = 0;
      for (size_t i = 0; i < shared->native.size(); ++i) {
        auto result = run(i, [](const CompletionDelta&) { return true; });
        if (!result.ok()) return ReplyOpenAIError(res, result.status());
        choices.push_back(CompletionChoice(*result, static_cast<int>(i), shared->logprobs));
        prompt_tokens += result->prompt_eval_count;
        completion_tokens += result->eval_count;
      }
      return ReplyJson(res, TextCompletion(info, choices, Usage(prompt_tokens, completion_tokens)));
    }
    res.set_chunked_content_provider("text/event-stream", [run, shared, info](size_t, httplib::DataSink& sink) {
      int64_t prompt_tokens = 0, completion_tokens = 0;
      for (size_t i = 0; i < shared->native.size(); ++i) {
        size_t offset = 0;
        auto result = run(i, [&](const CompletionDelta& d) {
          json lp = shared->logprobs >= 0 ? CompletionLogprobs(d.logprobs, offset) : json();
          offset += d.content.size();
          return Write(sink, SseEvent(TextChunk(info, static_cast<int>(i), d.content, nullptr, lp)));
        });
        if (!result.ok()) {
          if (result.status().code() != StatusCode::kCancelled) Write(sink, SseEvent(OpenAIError(result.status())));
          sink.done();
          return true;
        }
        prompt_tokens += result->prompt_eval_count;
        completion_tokens += result->eval_count;
        Write(sink,
              SseEvent(TextChunk(info, static_cast<int>(i), "", result->done_reason == "length" ? "length" : "stop")));
      }
      if (shared->include_usage) {
        Write(sink, SseEvent(UsageChunk(info, "text_completion", Usage(prompt_tokens, completion_tokens))));
      }
      Write(sink, SseDone());
      sink.done();
      return true;
    });
  });

  http_->Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseOrderedBody(req);
    if (!body.ok()) return ReplyOpenAIError(res, body.status());
    std::string param;
    auto request = EmbeddingRequestFromOpenAI(*body, &param);
    if (!request.ok()) return ReplyOpenAIError(res, request.status(), param);
    auto out = Embed(json(request->native), false, [&req] { return req.is_connection_closed(); });
    if (!out.ok()) {
      return ReplyOpenAIError(res, out.status(), out.status().code() == StatusCode::kNotFound ? "model" : "");
    }
    const auto vectors = (*out)["embeddings"].get<std::vector<std::vector<float>>>();
    ReplyJson(res, EmbeddingList((*body)["model"].get<std::string>(), vectors, request->base64,
                                 out->value("prompt_eval_count", int64_t{0})));
  });
}

void Server::RegisterOpenAIModelRoutes() {
  auto model_json = [](const store::ModelRecord& m) {
    return json{{"id", m.name.Display()},
                {"object", "model"},
                {"created", std::chrono::duration_cast<std::chrono::seconds>(m.modified.time_since_epoch()).count()},
                {"owned_by", m.name.name_space.empty() ? "library" : m.name.name_space}};
  };
  http_->Get("/v1/models", [this, model_json](const httplib::Request&, httplib::Response& res) {
    auto models = store_->List();
    if (!models.ok()) return ReplyOpenAIError(res, models.status());
    json data = json::array();
    for (const auto& m : *models) data.push_back(model_json(m));
    ReplyJson(res, {{"object", "list"}, {"data", data}});
  });
  http_->Get(R"(/v1/models/(.+))", [this, model_json](const httplib::Request& req, httplib::Response& res) {
    auto model = store_->Get(req.matches[1].str());
    if (!model.ok()) return ReplyOpenAIError(res, model.status(), "model");
    ReplyJson(res, model_json(*model));
  });
}

}  // namespace suanli::server
