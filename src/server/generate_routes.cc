// /api/generate and /api/chat: validation, load/unload requests, prompt
// truncation to the context, then a streamed or whole completion.
#include <cpp-httplib/httplib.h>

#include <algorithm>

#include "server/completion_runner.h"
#include "server/model_info.h"
#include "server/server.h"

namespace suanli::server {

namespace {

struct Common {
  std::string model;  // as the client wrote it
  store::ModelRecord record;
  ModelFacts facts;
  EffectiveOptions options;
  std::optional<int64_t> keep_alive;
  bool stream = true;
  bool truncate = true;
};

Status CheckType(const json& body, const char* key, bool (json::*is)() const noexcept, const char* type) {
  auto it = body.find(key);
  if (it != body.end() && !it->is_null() && !((*it).*is)()) {
    return InvalidArgumentError(std::string(key) + " must be " + type);
  }
  return OkStatus();
}

StatusOr<Common> ParseCommon(const json& body, store::ModelStore& store, const RequestDefaults& defaults) {
  Common c;
  ASSIGN_OR_RETURN(c.model, ModelField(body));
  RETURN_IF_ERROR(CheckType(body, "stream", &json::is_boolean, "a boolean"));
  RETURN_IF_ERROR(CheckType(body, "truncate", &json::is_boolean, "a boolean"));
  RETURN_IF_ERROR(CheckType(body, "options", &json::is_object, "an object"));
  RETURN_IF_ERROR(CheckType(body, "system", &json::is_string, "a string"));
  c.stream = body.value("stream", true);
  c.truncate = body.value("truncate", true);
  ASSIGN_OR_RETURN(c.record, store.Get(c.model));
  ASSIGN_OR_RETURN(c.facts, ReadModelFacts(c.record));
  ASSIGN_OR_RETURN(c.keep_alive, ParseKeepAlive(body));
  ASSIGN_OR_RETURN(c.options, MergeOptions(c.record, body.value("options", json()), defaults));
  const json think = body.value("think", json());
  if ((think.is_boolean() && think.get<bool>()) || think.is_string()) {
    if (!c.facts.Has("thinking")) return InvalidArgumentError("\"" + c.model + "\" does not support thinking");
  }
  const json format = body.value("format", json());
  if (!format.is_null() && !(format.is_string() && format.get<std::string>().empty())) {
    return InvalidArgumentError("structured outputs (format) are not supported yet");
  }
  if (body.contains("template") && body["template"].is_string() && !body["template"].get<std::string>().empty()) {
    return InvalidArgumentError("template overrides are not supported yet");
  }
  if (body.contains("images") && !body["images"].is_null() && !body["images"].empty()) {
    return InvalidArgumentError("\"" + c.model + "\" does not support images");
  }
  return c;
}

// Drops the oldest non-system messages (never the last one) until the
// rendered prompt fits the slot's context.
StatusOr<json> FitMessages(const sched::Lease& lease, json request, int n_ctx, bool truncate) {
  while (true) {
    ASSIGN_OR_RETURN(json rendered, lease.client().Call("/render", request));
    const int n = static_cast<int>(rendered.value("tokens", json::array()).size());
    if (n < n_ctx) return request;
    json& messages = request["messages"];
    auto victim = std::find_if(messages.begin(), messages.end(),
                               [](const json& m) { return m.value("role", "") != "system"; });
    if (!truncate || victim == messages.end() || victim + 1 == messages.end()) {
      return InvalidArgumentError("the prompt is longer than the context length (" + std::to_string(n) +
                                  " tokens, context " + std::to_string(n_ctx) + ")");
    }
    messages.erase(victim);
  }
}

// Keeps `num_keep` leading tokens and the tail, leaving about half the context.
std::vector<int> TruncateTokens(std::vector<int> tokens, int n_ctx, int num_keep) {
  num_keep = std::clamp(num_keep, 0, n_ctx / 2);
  const int target = n_ctx - (n_ctx - num_keep) / 2;
  std::vector<int> out(tokens.begin(), tokens.begin() + num_keep);
  out.insert(out.end(), tokens.end() - (target - num_keep), tokens.end());
  return out;
}

StatusOr<json> MessagesFrom(const json& body, const Common& c) {
  json messages = json::array();
  for (const json& m : c.record.messages) messages.push_back(m);  // Modelfile MESSAGEs first
  const json in = body.value("messages", json::array());
  if (!in.is_array()) return InvalidArgumentError("messages must be an array");
  for (size_t i = 0; i < in.size(); ++i) {
    const json& m = in[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return InvalidArgumentError(where + " must be an object");
    if (!m.contains("role") || !m["role"].is_string()) return InvalidArgumentError(where + ".role must be a string");
    if (m.contains("content") && !m["content"].is_null() && !m["content"].is_string()) {
      return InvalidArgumentError(where + ".content must be a string");
    }
    if (m.contains("images") && !m["images"].is_null() && !m["images"].empty()) {
      return InvalidArgumentError("\"" + c.model + "\" does not support images");
    }
    json copy = m;
    std::string role = m["role"].get<std::string>();
    std::transform(role.begin(), role.end(), role.begin(), ::tolower);
    copy["role"] = role;
    if (copy.contains("content") && copy["content"].is_null()) copy["content"] = "";
    copy.erase("images");
    messages.push_back(copy);
  }
  const bool has_system = !messages.empty() && messages[0].value("role", "") == "system";
  if (!c.record.system.empty() && !has_system) {
    messages.insert(messages.begin(), json{{"role", "system"}, {"content", c.record.system}});
  }
  return messages;
}

}  // namespace

void Server::RegisterGenerateRoutes() {
  auto handle = [this](bool chat, const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto common = ParseCommon(*body, *store_, options_.defaults);
    if (!common.ok()) return ReplyError(res, common.status());
    Common& c = *common;
    if (!c.facts.Has("completion")) {
      return ReplyError(res, InvalidArgumentError("\"" + c.model + "\" does not support " + (chat ? "chat" : "generate")));
    }

    json runner_request = {{"options", c.options.runner_options}};
    bool empty = false;
    if (chat) {
      if (body->contains("tools") && !(*body)["tools"].is_null() && !(*body)["tools"].empty()) {
        if (!c.facts.Has("tools")) return ReplyError(res, InvalidArgumentError(c.model + " does not support tools"));
        runner_request["tools"] = (*body)["tools"];
      }
      auto messages = MessagesFrom(*body, c);
      if (!messages.ok()) return ReplyError(res, messages.status());
      empty = !body->contains("messages") || (*body)["messages"].empty();
      runner_request["messages"] = *messages;
    } else {
      for (const char* key : {"prompt", "suffix"}) {
        if (body->contains(key) && !(*body)[key].is_null() && !(*body)[key].is_string()) {
          return ReplyError(res, InvalidArgumentError(std::string(key) + " must be a string"));
        }
      }
      const std::string prompt = body->value("prompt", "");
      const bool raw = body->value("raw", false);
      const bool has_context = body->contains("context") && !(*body)["context"].is_null();
      if (raw && (!body->value("system", "").empty() || has_context)) {
        return ReplyError(res, InvalidArgumentError("raw mode does not support template, system, or context"));
      }
      if (!body->value("suffix", "").empty() && !c.facts.Has("insert")) {
        return ReplyError(res, InvalidArgumentError("\"" + c.model + "\" does not support insert"));
      }
      empty = prompt.empty();
      runner_request["prompt"] = prompt;
      runner_request["raw"] = raw;
      const std::string system = body->contains("system") ? body->value("system", "") : c.record.system;
      if (!system.empty()) runner_request["system"] = system;
      if (has_context) {
        if (!(*body)["context"].is_array()) return ReplyError(res, InvalidArgumentError("context must be an array of integers"));
        for (const json& t : (*body)["context"]) {
          if (!t.is_number_integer()) return ReplyError(res, InvalidArgumentError("context must be an array of integers"));
        }
        runner_request["context"] = (*body)["context"];
      }
    }

    // An empty prompt loads the model; with keep_alive 0 it unloads it.
    if (empty && c.keep_alive && *c.keep_alive == 0) {
      scheduler_->Unload(c.record.model_path);
      json out = {{"model", c.model}, {"created_at", CreatedAtNow()}, {"done", true}, {"done_reason", "unload"}};
      if (chat) out["message"] = {{"role", "assistant"}, {"content", ""}};
      else out["response"] = "";
      return ReplyJson(res, out);
    }
    auto lease = scheduler_->Acquire(SpecFor(c.record, c.options), c.keep_alive,
                                     [&req] { return req.is_connection_closed(); });
    if (!lease.ok()) return ReplyError(res, lease.status());
    if (empty) {
      json out = {{"model", c.model}, {"created_at", CreatedAtNow()}, {"done", true}, {"done_reason", "load"}};
      if (chat) out["message"] = {{"role", "assistant"}, {"content", ""}};
      else out["response"] = "";
      return ReplyJson(res, out);
    }

    auto job = std::make_shared<CompletionJob>();
    job->lease = std::move(lease).value();
    job->model = c.model;
    job->chat = chat;
    job->stream = c.stream;
    job->start = start;
    const int n_ctx = job->lease->health().value("context_per_slot", c.options.options.load.num_ctx);
    if (chat) {
      auto fitted = FitMessages(*job->lease, runner_request, n_ctx, c.truncate);
      if (!fitted.ok()) return ReplyError(res, fitted.status());
      runner_request = *fitted;
    } else {
      auto rendered = job->lease->client().Call("/render", runner_request);
      if (!rendered.ok()) return ReplyError(res, rendered.status());
      std::vector<int> tokens = rendered->value("tokens", std::vector<int>{});
      if (static_cast<int>(tokens.size()) >= n_ctx) {
        if (!c.truncate) {
          return ReplyError(res, InvalidArgumentError("the prompt is longer than the context length (" +
                                                      std::to_string(tokens.size()) + " tokens, context " +
                                                      std::to_string(n_ctx) + ")"));
        }
        tokens = TruncateTokens(std::move(tokens), n_ctx, c.options.options.sampling.num_keep);
      }
      if (body->value("_debug_render_only", false)) {
        return ReplyJson(res, {{"model", c.model}, {"created_at", CreatedAtNow()},
                               {"_debug_info", {{"rendered_template", rendered->value("prompt", "")}}}});
      }
      job->return_context = !body->value("raw", false);
      job->prompt_tokens = tokens;
      runner_request = {{"tokens", tokens}, {"options", c.options.runner_options}};
    }
    if (chat && body->value("_debug_render_only", false)) {
      auto rendered = job->lease->client().Call("/render", runner_request);
      if (!rendered.ok()) return ReplyError(res, rendered.status());
      return ReplyJson(res, {{"model", c.model}, {"created_at", CreatedAtNow()},
                             {"_debug_info", {{"rendered_template", rendered->value("prompt", "")}}}});
    }
    job->runner_request = std::move(runner_request);

    if (!job->stream) {
      auto result = RunCompletion(*job, [](const json&) { return true; });
      if (!result.ok()) return ReplyError(res, result.status());
      return ReplyJson(res, *result);
    }
    res.set_chunked_content_provider("application/x-ndjson", [job](size_t, httplib::DataSink& sink) {
      auto write = [&](const json& line) {
        const std::string text = JsonLine(line);
        return sink.write(text.data(), text.size());
      };
      auto result = RunCompletion(*job, write);
      if (result.ok()) {
        write(*result);
      } else if (result.status().code() != StatusCode::kCancelled) {
        write({{"error", result.status().message()}});
      }
      job->lease.reset();  // free the slot before the connection winds down
      sink.done();
      return true;
    });
  };
  http_->Post("/api/generate", [handle](const httplib::Request& req, httplib::Response& res) { handle(false, req, res); });
  http_->Post("/api/chat", [handle](const httplib::Request& req, httplib::Response& res) { handle(true, req, res); });
}

}  // namespace suanli::server
