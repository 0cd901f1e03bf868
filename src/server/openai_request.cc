#include "server/openai_request.h"

#include <map>

namespace suanli::server {

using ojson = nlohmann::ordered_json;

namespace {

// Carries the failing field to the caller.
class Errors {
 public:
  explicit Errors(std::string* param) : param_(param) {}
  Status Fail(const std::string& param, const std::string& message) const {
    if (param_ != nullptr) *param_ = param;
    return InvalidArgumentError(message);
  }

 private:
  std::string* param_;
};

bool Present(const ojson& body, const char* key) { return body.contains(key) && !body[key].is_null(); }

// Sampling fields shared by chat and completions, into native `options`.
Status SamplingOptions(const ojson& body, const Errors& err, ojson* options) {
  if (Present(body, "options")) {  // extension: Ollama's options object
    if (!body["options"].is_object()) return err.Fail("options", "options must be an object");
    *options = body["options"];
  }
  for (const char* key : {"temperature", "top_p", "frequency_penalty", "presence_penalty"}) {
    if (!Present(body, key)) continue;
    if (!body[key].is_number()) return err.Fail(key, std::string(key) + " must be a number");
    (*options)[key] = body[key];
  }
  for (const char* key : {"seed", "num_ctx"}) {  // num_ctx: suanli's extension
    if (!Present(body, key)) continue;
    if (!body[key].is_number_integer()) return err.Fail(key, std::string(key) + " must be an integer");
    (*options)[key] = body[key];
  }
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    if (!Present(body, key)) continue;
    if (!body[key].is_number_integer() || body[key].get<int64_t>() < 0) {
      return err.Fail(key, std::string(key) + " must be a non-negative integer");
    }
    (*options)["num_predict"] = body[key];
  }
  if (Present(body, "stop")) {
    const ojson& stop = body["stop"];
    if (stop.is_string()) {
      (*options)["stop"] = ojson::array({stop});
    } else if (stop.is_array()) {
      for (const ojson& s : stop) {
        if (!s.is_string()) return err.Fail("stop", "stop must be a string or an array of strings");
      }
      (*options)["stop"] = stop;
    } else {
      return err.Fail("stop", "stop must be a string or an array of strings");
    }
  }
  return OkStatus();
}

// Fields every generation request shares: model, stream, n, options.
Status Common(const ojson& body, const Errors& err, OpenAIRequest* out, ojson* native) {
  if (!Present(body, "model") || !body["model"].is_string() || body["model"].get<std::string>().empty()) {
    return err.Fail("model", "model is required");
  }
  out->model = body["model"].get<std::string>();
  if (Present(body, "stream") && !body["stream"].is_boolean()) return err.Fail("stream", "stream must be a boolean");
  out->stream = body.value("stream", false);
  if (Present(body, "stream_options")) {
    const ojson& so = body["stream_options"];
    if (!so.is_object()) return err.Fail("stream_options", "stream_options must be an object");
    if (Present(so, "include_usage") && !so["include_usage"].is_boolean()) {
      return err.Fail("stream_options.include_usage", "stream_options.include_usage must be a boolean");
    }
    out->include_usage = so.value("include_usage", false);
  }
  if (Present(body, "n") && (!body["n"].is_number_integer() || body["n"].get<int64_t>() != 1)) {
    return err.Fail("n", "n must be 1: suanli returns one choice per request");
  }
  ojson options = ojson::object();
  RETURN_IF_ERROR(SamplingOptions(body, err, &options));
  *native = {{"model", out->model}, {"stream", out->stream}, {"options", options}};
  for (const char* key : {"keep_alive", "_debug_render_only", "grammar"}) {  // extensions
    if (Present(body, key)) (*native)[key] = body[key];
  }
  return OkStatus();
}

// response_format: text, json_object ("json") or json_schema (the schema).
Status ResponseFormat(const ojson& body, const Errors& err, ojson* native) {
  if (!Present(body, "response_format")) return OkStatus();
  const ojson& rf = body["response_format"];
  const std::string type = rf.is_object() ? rf.value("type", "") : "";
  if (type == "text") return OkStatus();
  if (type == "json_object") {
    (*native)["format"] = "json";
    return OkStatus();
  }
  if (type == "json_schema") {
    const ojson js = rf.value("json_schema", ojson());
    if (!js.is_object() || !js.contains("schema") || !js["schema"].is_object()) {
      return err.Fail("response_format", "response_format.json_schema.schema must be a JSON schema object");
    }
    (*native)["format"] = js["schema"];
    return OkStatus();
  }
  return err.Fail("response_format", "response_format.type must be text, json_object or json_schema");
}

// reasoning_effort (or reasoning.effort) into native `think`.
Status Reasoning(const ojson& body, const Errors& err, ojson* native) {
  ojson effort = body.value("reasoning_effort", ojson());
  std::string param = "reasoning_effort";
  if (effort.is_null() && Present(body, "reasoning") && body["reasoning"].is_object()) {
    effort = body["reasoning"].value("effort", ojson());
    param = "reasoning.effort";
  }
  if (effort.is_null()) return OkStatus();
  static const std::map<std::string, ojson> kThink = {{"none", false},      {"minimal", "low"}, {"low", "low"},
                                                      {"medium", "medium"}, {"high", "high"},   {"xhigh", "max"},
                                                      {"max", "max"}};
  auto it = effort.is_string() ? kThink.find(effort.get<std::string>()) : kThink.end();
  if (it == kThink.end()) return err.Fail(param, param + " must be none, minimal, low, medium, high or xhigh");
  (*native)["think"] = it->second;
  return OkStatus();
}

// Content as a string: a string, null, or text parts.
StatusOr<std::string> ContentText(const ojson& content, const std::string& where, const Errors& err) {
  if (content.is_null()) return std::string();
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return err.Fail(where, where + " must be a string or an array of content parts");
  std::string text;
  for (const ojson& part : content) {
    const std::string type = part.is_object() ? part.value("type", "") : "";
    if (type == "text" && part.contains("text") && part["text"].is_string()) {
      if (!text.empty()) text += "\n";
      text += part["text"].get<std::string>();
    } else if (type == "image_url" || type == "input_audio" || type == "file") {
      return err.Fail(where, "content parts of type " + type + " are not supported");
    } else {
      return err.Fail(where, where + " has an invalid content part (expected {\"type\":\"text\",\"text\":...})");
    }
  }
  return text;
}

StatusOr<ojson> Messages(const ojson& body, const Errors& err) {
  if (!Present(body, "messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return err.Fail("messages", "messages must be a non-empty array");
  }
  ojson out = ojson::array();
  std::map<std::string, std::string> tool_names;  // tool call id -> function name
  for (size_t i = 0; i < body["messages"].size(); ++i) {
    const ojson& m = body["messages"][i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      return err.Fail(where + ".role", where + " must be an object with a string role");
    }
    std::string role = m["role"].get<std::string>();
    if (role == "developer") role = "system";
    if (role != "system" && role != "user" && role != "assistant" && role != "tool") {
      return err.Fail(where + ".role", where + ".role must be system, developer, user, assistant or tool");
    }
    ASSIGN_OR_RETURN(std::string content, ContentText(m.value("content", ojson()), where + ".content", err));
    ojson n = {{"role", role}, {"content", content}};
    if (m.contains("reasoning") && m["reasoning"].is_string()) n["thinking"] = m["reasoning"];
    if (Present(m, "tool_calls")) {
      if (!m["tool_calls"].is_array()) return err.Fail(where + ".tool_calls", where + ".tool_calls must be an array");
      ojson calls = ojson::array();
      for (const ojson& c : m["tool_calls"]) {
        const ojson fn = c.is_object() ? c.value("function", ojson()) : ojson();
        if (!fn.is_object() || !fn.contains("name") || !fn["name"].is_string()) {
          return err.Fail(where + ".tool_calls", where + ".tool_calls[].function.name is required");
        }
        const ojson raw = fn.value("arguments", ojson("{}"));
        ojson args = raw.is_string() ? ojson::parse(raw.get<std::string>(), nullptr, false) : raw;
        if (args.is_discarded() || !args.is_object()) {
          return err.Fail(where + ".tool_calls", where + ".tool_calls[].function.arguments must be a JSON object");
        }
        const std::string id = c.value("id", "");
        if (!id.empty()) tool_names[id] = fn["name"].get<std::string>();
        calls.push_back({{"id", id}, {"function", {{"name", fn["name"]}, {"arguments", args}}}});
      }
      n["tool_calls"] = calls;
    }
    if (role == "tool") {
      const std::string id = m.value("tool_call_id", "");
      if (!id.empty()) n["tool_call_id"] = id;
      if (m.contains("name") && m["name"].is_string())
        n["tool_name"] = m["name"];
      else if (tool_names.count(id))
        n["tool_name"] = tool_names[id];
    }
    out.push_back(n);
  }
  return out;
}

// tools and tool_choice; a named function keeps only that tool, required.
Status Tools(const ojson& body, const Errors& err, ojson* native) {
  if (!Present(body, "tools")) return OkStatus();
  if (!body["tools"].is_array()) return err.Fail("tools", "tools must be an array");
  ojson tools = ojson::array();
  for (size_t i = 0; i < body["tools"].size(); ++i) {
    const ojson& t = body["tools"][i];
    const ojson fn = t.is_object() ? t.value("function", ojson()) : ojson();
    if (!t.is_object() || t.value("type", "function") != "function" || !fn.is_object() || !fn.contains("name") ||
        !fn["name"].is_string()) {
      return err.Fail("tools[" + std::to_string(i) + "]",
                      "tools[" + std::to_string(i) + "] must be {\"type\":\"function\",\"function\":{\"name\",...}}");
    }
    tools.push_back(t);
  }
  const ojson choice = body.value("tool_choice", ojson());
  if (choice.is_object()) {
    const ojson fn = choice.value("function", ojson());
    const std::string name = fn.is_object() ? fn.value("name", "") : "";
    ojson kept = ojson::array();
    for (const ojson& t : tools) {
      if (t["function"]["name"] == name) kept.push_back(t);
    }
    if (kept.empty()) return err.Fail("tool_choice", "tool_choice names a function that is not in tools");
    tools = kept;
    (*native)["tool_choice"] = "required";
  } else if (choice.is_string()) {
    const std::string c = choice.get<std::string>();
    if (c != "auto" && c != "none" && c != "required") {
      return err.Fail("tool_choice", "tool_choice must be auto, none, required or a named function");
    }
    (*native)["tool_choice"] = c;
  } else if (!choice.is_null()) {
    return err.Fail("tool_choice", "tool_choice must be auto, none, required or a named function");
  }
  (*native)["tools"] = tools;
  return OkStatus();
}

// Chat's logprobs (bool) and top_logprobs (0..20).
Status ChatLogprobs(const ojson& body, const Errors& err, OpenAIRequest* out, ojson* native) {
  if (Present(body, "logprobs") && !body["logprobs"].is_boolean())
    return err.Fail("logprobs", "logprobs must be a boolean");
  if (Present(body, "top_logprobs")) {
    const ojson& t = body["top_logprobs"];
    if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() > 20) {
      return err.Fail("top_logprobs", "top_logprobs must be an integer between 0 and 20");
    }
  }
  if (!body.value("logprobs", false)) return OkStatus();
  out->logprobs = Present(body, "top_logprobs") ? body["top_logprobs"].get<int>() : 0;
  (*native)["logprobs"] = true;
  (*native)["top_logprobs"] = out->logprobs;
  return OkStatus();
}

}  // namespace

StatusOr<OpenAIRequest> ChatRequestFromOpenAI(const ojson& body, std::string* param) {
  Errors err(param);
  OpenAIRequest out;
  ojson native;
  RETURN_IF_ERROR(Common(body, err, &out, &native));
  ASSIGN_OR_RETURN(native["messages"], Messages(body, err));
  RETURN_IF_ERROR(ResponseFormat(body, err, &native));
  RETURN_IF_ERROR(Reasoning(body, err, &native));
  RETURN_IF_ERROR(Tools(body, err, &native));
  RETURN_IF_ERROR(ChatLogprobs(body, err, &out, &native));
  out.native.push_back(std::move(native));
  return out;
}

StatusOr<OpenAIRequest> CompletionRequestFromOpenAI(const ojson& body, std::string* param) {
  Errors err(param);
  OpenAIRequest out;
  ojson native;
  RETURN_IF_ERROR(Common(body, err, &out, &native));
  RETURN_IF_ERROR(ResponseFormat(body, err, &native));
  if (Present(body, "suffix")) {
    if (!body["suffix"].is_string()) return err.Fail("suffix", "suffix must be a string");
    native["suffix"] = body["suffix"];
  }
  if (Present(body, "echo") && body["echo"] == true) return err.Fail("echo", "echo is not supported");
  if (Present(body, "logprobs")) {  // completions: the number of alternatives, 0..5
    const ojson& l = body["logprobs"];
    if (!l.is_number_integer() || l.get<int64_t>() < 0 || l.get<int64_t>() > 5) {
      return err.Fail("logprobs", "logprobs must be an integer between 0 and 5");
    }
    out.logprobs = l.get<int>();
    native["logprobs"] = true;
    native["top_logprobs"] = out.logprobs;
  }
  const ojson prompt = body.value("prompt", ojson());
  std::vector<std::string> prompts;
  if (prompt.is_string()) {
    prompts.push_back(prompt.get<std::string>());
  } else if (prompt.is_array() && !prompt.empty()) {
    for (const ojson& p : prompt) {
      if (!p.is_string()) return err.Fail("prompt", "prompt must be a string or an array of strings");
      prompts.push_back(p.get<std::string>());
    }
  } else {
    return err.Fail("prompt", "prompt must be a string or a non-empty array of strings");
  }
  for (const auto& p : prompts) {
    ojson one = native;
    one["prompt"] = p;
    out.native.push_back(std::move(one));
  }
  return out;
}

StatusOr<EmbeddingRequest> EmbeddingRequestFromOpenAI(const ojson& body, std::string* param) {
  Errors err(param);
  EmbeddingRequest out;
  if (!Present(body, "model") || !body["model"].is_string() || body["model"].get<std::string>().empty()) {
    return err.Fail("model", "model is required");
  }
  const ojson input = body.value("input", ojson());
  ojson inputs = ojson::array();
  if (input.is_string()) {
    inputs.push_back(input);
  } else if (input.is_array() && !input.empty()) {
    for (const ojson& s : input) {
      if (!s.is_string()) return err.Fail("input", "input must be a string or an array of strings");
      inputs.push_back(s);
    }
  } else {
    return err.Fail("input", "invalid input: a string or a non-empty array of strings is required");
  }
  const ojson format = body.value("encoding_format", ojson("float"));
  if (format != "float" && format != "base64") {
    return err.Fail("encoding_format", "encoding_format must be float or base64");
  }
  out.base64 = format == "base64";
  out.native = {{"model", body["model"]}, {"input", inputs}};
  if (Present(body, "dimensions")) {
    if (!body["dimensions"].is_number_integer() || body["dimensions"].get<int64_t>() < 1) {
      return err.Fail("dimensions", "dimensions must be a positive integer");
    }
    out.native["dimensions"] = body["dimensions"];
  }
  for (const char* key : {"keep_alive", "truncate", "options"}) {  // extensions
    if (Present(body, key)) out.native[key] = body[key];
  }
  return out;
}

}  // namespace suanli::server
