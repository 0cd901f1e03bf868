#include "server/openai_format.h"

#include <cstring>
#include <random>

#include "server/native_format.h"
#include "server/request_util.h"

namespace suanli::server {

using json = nlohmann::json;

namespace {

constexpr char kFingerprint[] = "fp_suanli";

json Head(const OpenAIResponseInfo& info, const char* object) {
  return {{"id", info.id},
          {"object", object},
          {"created", info.created},
          {"model", info.model},
          {"system_fingerprint", kFingerprint}};
}

}  // namespace

std::string NewOpenAIId(const std::string& prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string id = prefix;
  for (int i = 0; i < 24; ++i) id += kChars[rng() % 62];
  return id;
}

int OpenAIHttpStatus(const Status& status) { return HttpStatusFor(status); }

json OpenAIError(const Status& status, const std::string& param) {
  const int http = OpenAIHttpStatus(status);
  const char* type = http == 400   ? "invalid_request_error"
                     : http == 404 ? "not_found_error"
                     : http == 401 ? "authentication_error"
                     : http == 503 ? "server_busy_error"
                                   : "api_error";
  return {{"error",
           {{"message", status.message()},
            {"type", type},
            {"param", param.empty() ? json() : json(param)},
            {"code", json()}}}};
}

std::string SseEvent(const json& data) {
  return "data: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}
std::string SseDone() { return "data: [DONE]\n\n"; }

std::string FinishReason(const CompletionResult& r) {
  if (!r.message.tool_calls.empty()) return "tool_calls";
  return r.done_reason == "length" ? "length" : "stop";
}

json Usage(int64_t prompt_tokens, int64_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens}};
}
json Usage(const CompletionResult& r) { return Usage(r.prompt_eval_count, r.eval_count); }

json OpenAIToolCalls(const json& runner_calls, int first_index) {
  json out = json::array();
  int index = first_index;
  for (const json& c : runner_calls) {
    const json fn = c.value("function", json::object());
    const json args = fn.value("arguments", json("{}"));
    out.push_back(
        {{"index", index++},
         {"id", c.value("id", "")},
         {"type", "function"},
         {"function", {{"name", fn.value("name", "")}, {"arguments", args.is_string() ? args : json(args.dump())}}}});
  }
  return out;
}

// OpenAI's chat entries have the native shape, with top_logprobs always present.
json ChatLogprobs(const json& entries) {
  json content = NativeLogprobs(entries);
  for (json& entry : content) {
    if (!entry.contains("top_logprobs")) entry["top_logprobs"] = json::array();
  }
  return {{"content", content}};
}

json CompletionLogprobs(const json& entries, size_t text_offset) {
  json tokens = json::array(), token_logprobs = json::array(), top = json::array(), offsets = json::array();
  for (const json& e : entries) {
    const std::string text = e.value("text", "");
    tokens.push_back(text);
    token_logprobs.push_back(e.value("logprob", 0.0));
    json alternatives = json::object();
    for (const json& t : e.value("top_logprobs", json::array()))
      alternatives[t.value("text", "")] = t.value("logprob", 0.0);
    top.push_back(alternatives);
    offsets.push_back(text_offset);
    text_offset += text.size();
  }
  return {{"tokens", tokens}, {"token_logprobs", token_logprobs}, {"top_logprobs", top}, {"text_offset", offsets}};
}

json ChatCompletion(const OpenAIResponseInfo& info, const CompletionResult& r, int logprobs) {
  json message = {{"role", "assistant"}, {"content", r.message.content}};
  if (!r.message.thinking.empty()) message["reasoning"] = r.message.thinking;
  if (!r.message.tool_calls.empty()) message["tool_calls"] = OpenAIToolCalls(r.message.tool_calls);
  json choice = {{"index", 0},
                 {"message", message},
                 {"finish_reason", FinishReason(r)},
                 {"logprobs", logprobs >= 0 ? ChatLogprobs(r.message.logprobs) : json()}};
  json out = Head(info, "chat.completion");
  out["choices"] = json::array({choice});
  out["usage"] = Usage(r);
  return out;
}

json ChatChunk(const OpenAIResponseInfo& info, const CompletionDelta& d, int tool_index, int logprobs) {
  json delta = {{"role", "assistant"}, {"content", d.content}};
  if (!d.thinking.empty()) delta["reasoning"] = d.thinking;
  if (!d.tool_calls.empty()) delta["tool_calls"] = OpenAIToolCalls(d.tool_calls, tool_index);
  json choice = {{"index", 0}, {"delta", delta}, {"finish_reason", json()}};
  if (logprobs >= 0 && !d.logprobs.empty()) choice["logprobs"] = ChatLogprobs(d.logprobs);
  json out = Head(info, "chat.completion.chunk");
  out["choices"] = json::array({choice});
  return out;
}

json ChatFinishChunk(const OpenAIResponseInfo& info, const std::string& finish_reason) {
  json out = Head(info, "chat.completion.chunk");
  out["choices"] = json::array({{{"index", 0}, {"delta", json::object()}, {"finish_reason", finish_reason}}});
  return out;
}

json UsageChunk(const OpenAIResponseInfo& info, const char* object, const json& usage) {
  json out = Head(info, object);
  out["choices"] = json::array();
  out["usage"] = usage;
  return out;
}

json CompletionChoice(const CompletionResult& r, int index, int logprobs) {
  return {{"text", r.message.content},
          {"index", index},
          {"logprobs", logprobs >= 0 ? CompletionLogprobs(r.message.logprobs, 0) : json()},
          {"finish_reason", r.done_reason == "length" ? "length" : "stop"}};
}

json TextCompletion(const OpenAIResponseInfo& info, const json& choices, const json& usage) {
  json out = Head(info, "text_completion");
  out["choices"] = choices;
  out["usage"] = usage;
  return out;
}

json TextChunk(const OpenAIResponseInfo& info, int index, const std::string& text, const json& finish,
               const json& logprobs) {
  json out = Head(info, "text_completion");
  out["choices"] = json::array({{{"text", text}, {"index", index}, {"logprobs", logprobs}, {"finish_reason", finish}}});
  return out;
}

std::string Base64Floats(const std::vector<float>& v) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(v.size() * sizeof(float), '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &v[i], sizeof(bits));
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);  // little-endian
  }
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

json EmbeddingList(const std::string& model, const std::vector<std::vector<float>>& vectors, bool base64,
                   int64_t prompt_tokens) {
  json data = json::array();
  for (size_t i = 0; i < vectors.size(); ++i) {
    data.push_back({{"object", "embedding"},
                    {"embedding", base64 ? json(Base64Floats(vectors[i])) : json(vectors[i])},
                    {"index", i}});
  }
  return {{"object", "list"},
          {"data", data},
          {"model", model},
          {"usage", {{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}};
}

}  // namespace suanli::server
