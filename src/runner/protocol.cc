#include "runner/protocol.h"

namespace suanli::runner {

json ErrorToJson(const Status& status) {
  return {{"error", {{"code", StatusCodeName(status.code())}, {"message", status.message()}}}};
}

Status ErrorFromJson(const json& body) {
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const json& e = body["error"];
    std::string code = e.value("code", "internal");
    std::string message = e.value("message", "the runner failed");
    StatusCode c = StatusCodeFromName(code);
    if (c == StatusCode::kOk) c = StatusCode::kInternal;
    return Status(c, message);
  }
  return InternalError("the runner sent an unreadable error");
}

json TimingsToJson(const engine::Timings& t) {
  return {{"prompt_eval_count", t.prompt_eval_count},
          {"prompt_eval_duration", t.prompt_eval_duration_ns},
          {"eval_count", t.eval_count},
          {"eval_duration", t.eval_duration_ns},
          {"cached_prompt_tokens", t.cached_prompt_tokens}};
}

engine::Timings TimingsFromJson(const json& j) {
  engine::Timings t;
  if (!j.is_object()) return t;
  t.prompt_eval_count = j.value("prompt_eval_count", int64_t{0});
  t.prompt_eval_duration_ns = j.value("prompt_eval_duration", int64_t{0});
  t.eval_count = j.value("eval_count", int64_t{0});
  t.eval_duration_ns = j.value("eval_duration", int64_t{0});
  t.cached_prompt_tokens = j.value("cached_prompt_tokens", int64_t{0});
  return t;
}

json ModelInfoToJson(const engine::ModelInfo& info) {
  return {{"architecture", info.architecture},
          {"name", info.name},
          {"description", info.description},
          {"quantization", info.quantization},
          {"chat_template", info.chat_template},
          {"pooling", info.pooling},
          {"parameter_count", info.parameter_count},
          {"size", info.size_bytes},
          {"context_length", info.context_length},
          {"embedding_length", info.embedding_length},
          {"vocab_size", info.vocab_size},
          {"embedding", info.is_embedding},
          {"metadata", info.metadata}};
}

namespace {
Status ReadOptionalString(const json& obj, const char* key, const std::string& where, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return OkStatus();
  if (!it->is_string()) return InvalidArgumentError(where + "." + key + " must be a string");
  *out = it->get<std::string>();
  return OkStatus();
}
}  // namespace

StatusOr<std::vector<engine::ChatMessage>> MessagesFromJson(const json& messages) {
  if (messages.is_null()) return std::vector<engine::ChatMessage>{};
  if (!messages.is_array()) return InvalidArgumentError("messages must be an array");
  std::vector<engine::ChatMessage> out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const json& m = messages[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return InvalidArgumentError(where + " must be an object");
    engine::ChatMessage msg;
    RETURN_IF_ERROR(ReadOptionalString(m, "role", where, &msg.role));
    if (msg.role.empty()) return InvalidArgumentError(where + ".role is required");
    RETURN_IF_ERROR(ReadOptionalString(m, "content", where, &msg.content));
    RETURN_IF_ERROR(ReadOptionalString(m, "thinking", where, &msg.thinking));
    RETURN_IF_ERROR(ReadOptionalString(m, "tool_name", where, &msg.tool_name));
    RETURN_IF_ERROR(ReadOptionalString(m, "tool_call_id", where, &msg.tool_call_id));
    if (auto tc = m.find("tool_calls"); tc != m.end() && !tc->is_null()) {
      if (!tc->is_array()) return InvalidArgumentError(where + ".tool_calls must be an array");
      for (const json& call : *tc) {
        const json fn = call.is_object() ? call.value("function", json::object()) : json();
        if (!fn.is_object() || !fn.contains("name") || !fn["name"].is_string()) {
          return InvalidArgumentError(where + ".tool_calls needs function.name");
        }
        engine::ToolCall c;
        c.name = fn["name"].get<std::string>();
        c.id = call.value("id", "");
        const json args = fn.value("arguments", json::object());
        c.arguments = args.is_string() ? args.get<std::string>() : args.dump();
        msg.tool_calls.push_back(std::move(c));
      }
    }
    out.push_back(std::move(msg));
  }
  return out;
}

StatusOr<std::vector<engine::ToolSpec>> ToolsFromJson(const nlohmann::ordered_json& tools) {
  using ojson = nlohmann::ordered_json;
  std::vector<engine::ToolSpec> out;
  if (tools.is_null()) return out;
  if (!tools.is_array()) return InvalidArgumentError("tools must be an array");
  for (size_t i = 0; i < tools.size(); ++i) {
    const ojson& t = tools[i];
    const ojson fn = t.is_object() ? t.value("function", ojson::object()) : ojson();
    if (!fn.is_object() || !fn.contains("name") || !fn["name"].is_string()) {
      return InvalidArgumentError("tools[" + std::to_string(i) + "].function.name is required");
    }
    engine::ToolSpec spec;
    spec.name = fn["name"].get<std::string>();
    spec.description = fn.value("description", "");
    spec.parameters = fn.value("parameters", ojson::object()).dump();
    out.push_back(std::move(spec));
  }
  return out;
}

StatusOr<nlohmann::ordered_json> ParseOrderedJson(const std::string& body) {
  auto j = nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError("the request body is not valid JSON");
  return j;
}

StatusOr<json> ParseJson(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError("the request body is not valid JSON");
  return j;
}

}  // namespace suanli::runner
