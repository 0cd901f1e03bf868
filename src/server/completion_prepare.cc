#include "server/completion_prepare.h"

#include "server/go_template_prompt.h"

#include <algorithm>

#include "server/model_info.h"

namespace suanli::server {

namespace {

using ojson = nlohmann::ordered_json;

struct Common {
  std::string model;  // as the client wrote it
  store::ModelRecord record;
  ModelFacts facts;
  EffectiveOptions options;
  std::optional<int64_t> keep_alive;
  bool stream = true;
  bool truncate = true;
  ojson think;   // what the runner gets (null: the template's default)
  ojson format;  // null, "json" or a schema
};

Status CheckType(const ojson& body, const char* key, bool (ojson::*is)() const noexcept, const char* type) {
  auto it = body.find(key);
  if (it != body.end() && !it->is_null() && !((*it).*is)()) {
    return InvalidArgumentError(std::string(key) + " must be " + type);
  }
  return OkStatus();
}

// think: null (on by default for thinking models, as in Ollama), a boolean,
// or a level; asking a model without the capability is a 400.
StatusOr<ojson> ThinkFor(const ojson& body, const Common& c) {
  const ojson think = body.value("think", ojson());
  const bool capable = c.facts.Has("thinking");
  if (think.is_null()) return capable ? ojson(true) : ojson();
  if (think.is_boolean()) {
    if (think.get<bool>() && !capable) return InvalidArgumentError("\"" + c.model + "\" does not support thinking");
    return capable ? think : ojson();
  }
  if (think.is_string()) {
    const std::string level = think.get<std::string>();
    if (level != "low" && level != "medium" && level != "high" && level != "max") {
      return InvalidArgumentError("invalid think value: \"" + level +
                                  "\" (must be \"low\", \"medium\", \"high\" or \"max\")");
    }
    if (!capable) return InvalidArgumentError("\"" + c.model + "\" does not support thinking");
    return think;
  }
  return InvalidArgumentError("think must be a boolean or a string");
}

StatusOr<ojson> FormatFor(const ojson& body) {
  const ojson format = body.value("format", ojson());
  if (format.is_null() || format.is_object()) return format;
  if (format.is_string()) {
    const std::string f = format.get<std::string>();
    if (f.empty()) return ojson();
    if (f == "json") return format;
  }
  return InvalidArgumentError("invalid format: " + format.dump() + "; expected \"json\" or a valid JSON Schema object");
}

StatusOr<Common> ParseCommon(const ojson& body, const CompletionDeps& deps) {
  Common c;
  ASSIGN_OR_RETURN(c.model, ModelField(body));
  RETURN_IF_ERROR(CheckType(body, "stream", &ojson::is_boolean, "a boolean"));
  RETURN_IF_ERROR(CheckType(body, "truncate", &ojson::is_boolean, "a boolean"));
  RETURN_IF_ERROR(CheckType(body, "options", &ojson::is_object, "an object"));
  RETURN_IF_ERROR(CheckType(body, "system", &ojson::is_string, "a string"));
  RETURN_IF_ERROR(CheckType(body, "logprobs", &ojson::is_boolean, "a boolean"));
  c.stream = body.value("stream", true);
  c.truncate = body.value("truncate", true);
  ASSIGN_OR_RETURN(c.format, FormatFor(body));
  ASSIGN_OR_RETURN(c.record, deps.store->Get(c.model));
  ASSIGN_OR_RETURN(c.facts, ReadModelFacts(c.record));
  ASSIGN_OR_RETURN(c.keep_alive, ParseKeepAlive(body));
  ASSIGN_OR_RETURN(c.options, MergeOptions(c.record, body.value("options", ojson()), deps.defaults));
  ASSIGN_OR_RETURN(c.think, ThinkFor(body, c));
  RETURN_IF_ERROR(CheckType(body, "template", &ojson::is_string, "a string"));
  if (body.contains("images") && !body["images"].is_null() && !body["images"].empty()) {
    return InvalidArgumentError("\"" + c.model + "\" does not support images");
  }
  return c;
}

// Drops the oldest non-system messages (never the last one) until the
// rendered prompt fits the slot's context.
StatusOr<ojson> FitMessages(const sched::Lease& lease, ojson request, int n_ctx, bool truncate) {
  while (true) {
    ASSIGN_OR_RETURN(json rendered, lease.client().CallOrdered("/render", request));
    const int n = static_cast<int>(rendered.value("tokens", ojson::array()).size());
    if (n < n_ctx) return request;
    ojson& messages = request["messages"];
    auto victim =
        std::find_if(messages.begin(), messages.end(), [](const ojson& m) { return m.value("role", "") != "system"; });
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

StatusOr<ojson> MessagesFrom(const ojson& body, const Common& c) {
  ojson messages = ojson::array();
  for (const json& m : c.record.messages) messages.push_back(ojson(m));  // Modelfile MESSAGEs first
  const ojson in = body.value("messages", ojson::array());
  if (!in.is_array()) return InvalidArgumentError("messages must be an array");
  for (size_t i = 0; i < in.size(); ++i) {
    const ojson& m = in[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return InvalidArgumentError(where + " must be an object");
    if (!m.contains("role") || !m["role"].is_string()) return InvalidArgumentError(where + ".role must be a string");
    if (m.contains("content") && !m["content"].is_null() && !m["content"].is_string()) {
      return InvalidArgumentError(where + ".content must be a string");
    }
    if (m.contains("images") && !m["images"].is_null() && !m["images"].empty()) {
      return InvalidArgumentError("\"" + c.model + "\" does not support images");
    }
    ojson copy = m;
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

// The chat-specific part of the runner request: tools, tool_choice, messages.
Status AddChat(const ojson& body, const Common& c, ojson* runner_request, bool* empty) {
  if (body.contains("tools") && !body["tools"].is_null() && !body["tools"].empty()) {
    if (!body["tools"].is_array()) return InvalidArgumentError("tools must be an array");
    if (!c.facts.Has("tools")) return InvalidArgumentError(c.model + " does not support tools");
    (*runner_request)["tools"] = body["tools"];
    if (body.contains("tool_choice")) (*runner_request)["tool_choice"] = body["tool_choice"];
  }
  ASSIGN_OR_RETURN(ojson messages, MessagesFrom(body, c));
  *empty = !body.contains("messages") || body["messages"].is_null() || body["messages"].empty();
  (*runner_request)["messages"] = messages;
  return OkStatus();
}

// The generate-specific part: prompt, raw, system, suffix and context.
Status AddGenerate(const ojson& body, const Common& c, ojson* runner_request, bool* empty) {
  for (const char* key : {"prompt", "suffix"}) {
    if (body.contains(key) && !body[key].is_null() && !body[key].is_string()) {
      return InvalidArgumentError(std::string(key) + " must be a string");
    }
  }
  const std::string prompt = body.value("prompt", "");
  const bool raw = body.value("raw", false);
  const bool has_context = body.contains("context") && !body["context"].is_null();
  if (raw && (!body.value("system", "").empty() || has_context || !body.value("template", "").empty())) {
    return InvalidArgumentError("raw mode does not support template, system, or context");
  }
  if (!body.value("suffix", "").empty() && !c.facts.Has("insert")) {
    return InvalidArgumentError("\"" + c.model + "\" does not support insert");
  }
  *empty = prompt.empty();
  (*runner_request)["prompt"] = prompt;
  (*runner_request)["raw"] = raw;
  const std::string system = body.contains("system") ? body.value("system", "") : c.record.system;
  if (!system.empty()) (*runner_request)["system"] = system;
  if (has_context) {
    if (!body["context"].is_array()) return InvalidArgumentError("context must be an array of integers");
    for (const ojson& t : body["context"]) {
      if (!t.is_number_integer()) return InvalidArgumentError("context must be an array of integers");
    }
    (*runner_request)["context"] = body["context"];
  }
  return OkStatus();
}

// logprobs/top_logprobs: what the runner gets (-1 = off).
StatusOr<int> LogprobsFor(const ojson& body) {
  const ojson top = body.value("top_logprobs", ojson());
  if (!top.is_null() && (!top.is_number_integer() || top.get<int64_t>() < 0 || top.get<int64_t>() > 20)) {
    return InvalidArgumentError("top_logprobs must be between 0 and 20");
  }
  if (!body.value("logprobs", false)) return -1;
  return top.is_null() ? 0 : top.get<int>();
}

}  // namespace

StatusOr<PreparedCompletion> PrepareCompletion(const ojson& body, const CompletionDeps& deps,
                                               const PrepareOptions& options) {
  const bool chat = options.chat;
  ASSIGN_OR_RETURN(Common c, ParseCommon(body, deps));
  PreparedCompletion out;
  out.model = c.model;
  if (!c.facts.Has("completion")) {
    return InvalidArgumentError("\"" + c.model + "\" does not support " + (chat ? "chat" : "generate"));
  }
  ASSIGN_OR_RETURN(const int logprobs, LogprobsFor(body));
  ojson runner_request = {{"options", c.options.runner_options}};
  if (!c.think.is_null()) runner_request["think"] = c.think;
  if (!c.format.is_null()) runner_request["format"] = c.format;
  if (auto g = body.find("grammar"); g != body.end() && !g->is_null()) {  // llama.cpp's extension
    if (!g->is_string()) return InvalidArgumentError("grammar must be a string (GBNF)");
    if (!c.format.is_null()) return InvalidArgumentError("grammar and format cannot be combined");
    runner_request["grammar"] = *g;
  }
  bool empty = false;
  RETURN_IF_ERROR(chat ? AddChat(body, c, &runner_request, &empty) : AddGenerate(body, c, &runner_request, &empty));
  empty = empty && options.load_on_empty;

  // An empty prompt loads the model; with keep_alive 0 it unloads it.
  if (empty && c.keep_alive && *c.keep_alive == 0) {
    deps.scheduler->Unload(c.record.model_path, c.record.adapter_paths);
    out.kind = PreparedCompletion::Kind::kUnloaded;
    return out;
  }
  ASSIGN_OR_RETURN(auto lease,
                   deps.scheduler->Acquire(SpecFor(c.record, c.options), c.keep_alive, options.client_gone));
  if (empty) {
    out.kind = PreparedCompletion::Kind::kLoaded;
    return out;
  }
  const bool debug_render = body.value("_debug_render_only", false);
  auto job = std::make_shared<CompletionJob>();
  job->model = c.model;
  job->chat = chat;
  job->stream = c.stream;
  job->start = options.start;
  const int n_ctx = lease->health().value("context_per_slot", c.options.options.load.num_ctx);
  // A Go TEMPLATE (the model's, or the request's override) renders here; the
  // runner then gets the finished prompt. Otherwise its Jinja template does.
  ASSIGN_OR_RETURN(auto go_template, GoTemplateFor(body, c.record));
  const bool go_rendered = go_template.has_value() && !body.value("raw", false);
  if (go_rendered) {
    auto fits = [&](const std::string& prompt) -> StatusOr<bool> {
      ASSIGN_OR_RETURN(json t, lease->client().Call("/tokenize", {{"content", prompt}, {"add_special", true}}));
      return !c.truncate || static_cast<int>(t.value("tokens", json::array()).size()) < n_ctx;
    };
    ASSIGN_OR_RETURN(std::string prompt, RenderWithGoTemplate(*go_template, runner_request, body, chat, fits));
    for (const char* key : {"messages", "tools", "system", "tool_choice"}) runner_request.erase(key);
    runner_request["prompt"] = prompt;
    runner_request["raw"] = true;
  } else if (chat) {
    ASSIGN_OR_RETURN(runner_request, FitMessages(*lease, runner_request, n_ctx, c.truncate));
  }
  if (debug_render || !chat || go_rendered) {
    ASSIGN_OR_RETURN(json rendered, lease->client().CallOrdered("/render", runner_request));
    if (debug_render) {
      out.kind = PreparedCompletion::Kind::kRendered;
      // (The runner echoes no prompt for raw text: a Go-rendered prompt is ours.)
      out.rendered = go_rendered ? runner_request.value("prompt", "") : rendered.value("prompt", "");
      return out;
    }
    std::vector<int> tokens = rendered.value("tokens", std::vector<int>{});
    if (go_rendered && runner_request.contains("context")) {  // an earlier exchange goes first
      const auto context = runner_request["context"].get<std::vector<int>>();
      tokens.insert(tokens.begin(), context.begin(), context.end());
    }
    if (static_cast<int>(tokens.size()) >= n_ctx) {
      if (!c.truncate) {
        return InvalidArgumentError("the prompt is longer than the context length (" + std::to_string(tokens.size()) +
                                    " tokens, context " + std::to_string(n_ctx) + ")");
      }
      tokens = TruncateTokens(std::move(tokens), n_ctx, c.options.options.sampling.num_keep);
    }
    job->return_context = !body.value("raw", false);
    job->prompt_tokens = tokens;
    // The tokens are evaluated as they are; the rest sets up the answer's
    // parser (thinking) and grammar (format).
    runner_request["tokens"] = tokens;
    runner_request.erase("context");
  }
  if (logprobs >= 0) runner_request["logprobs"] = logprobs;
  job->runner_request = std::move(runner_request);
  job->lease = std::move(lease);
  out.job = std::move(job);
  return out;
}

}  // namespace suanli::server
