#include "server/native_format.h"

namespace suanli::server {

using json = nlohmann::json;

namespace {

json Bytes(const std::string& text) {
  json out = json::array();
  for (unsigned char c : text) out.push_back(static_cast<int>(c));
  return out;
}

}  // namespace

json NativeToolCalls(const json& runner_calls, int first_index) {
  json out = json::array();
  int index = first_index;
  for (const json& c : runner_calls) {
    const json fn = c.value("function", json::object());
    const json raw = fn.value("arguments", json("{}"));
    json args = raw.is_string() ? json::parse(raw.get<std::string>(), nullptr, false) : raw;
    if (args.is_discarded() || !args.is_object()) args = json::object();
    out.push_back({{"id", c.value("id", "")},
                   {"function", {{"index", index++}, {"name", fn.value("name", "")}, {"arguments", args}}}});
  }
  return out;
}

json NativeLogprobs(const json& entries) {
  json out = json::array();
  for (const json& e : entries) {
    json top = json::array();
    for (const json& t : e.value("top_logprobs", json::array())) {
      const std::string text = t.value("text", "");
      top.push_back({{"token", text}, {"logprob", t.value("logprob", 0.0)}, {"bytes", Bytes(text)}});
    }
    const std::string text = e.value("text", "");
    json entry = {{"token", text}, {"logprob", e.value("logprob", 0.0)}, {"bytes", Bytes(text)}};
    if (!top.empty()) entry["top_logprobs"] = top;
    out.push_back(entry);
  }
  return out;
}

json NativeChunk(const CompletionJob& job, const CompletionDelta& d, int tool_index) {
  json c = {{"model", job.model}, {"created_at", CreatedAtNow()}};
  if (job.chat) {
    json message = {{"role", "assistant"}, {"content", d.content}};
    if (!d.thinking.empty()) message["thinking"] = d.thinking;
    if (!d.tool_calls.empty()) message["tool_calls"] = NativeToolCalls(d.tool_calls, tool_index);
    c["message"] = message;
  } else {
    c["response"] = d.content;
    if (!d.thinking.empty()) c["thinking"] = d.thinking;
  }
  c["done"] = false;
  if (!d.logprobs.empty()) c["logprobs"] = NativeLogprobs(d.logprobs);
  return c;
}

json NativeFinal(const CompletionJob& job, const CompletionResult& r) {
  const CompletionDelta& m = r.message;
  json out = {{"model", job.model}, {"created_at", CreatedAtNow()}};
  if (job.chat) {
    json message = {{"role", "assistant"}, {"content", job.stream ? "" : m.content}};
    if (!job.stream && !m.thinking.empty()) message["thinking"] = m.thinking;
    if (!job.stream && !m.tool_calls.empty()) message["tool_calls"] = NativeToolCalls(m.tool_calls);
    out["message"] = message;
  } else {
    out["response"] = job.stream ? "" : m.content;
    if (!job.stream && !m.thinking.empty()) out["thinking"] = m.thinking;
  }
  out["done"] = true;
  out["done_reason"] = r.done_reason;
  if (job.return_context) {
    std::vector<int> context = job.prompt_tokens;
    context.insert(context.end(), r.generated.begin(), r.generated.end());
    out["context"] = context;
  }
  out["total_duration"] = r.total_duration;
  out["load_duration"] = r.load_duration;
  out["prompt_eval_count"] = r.prompt_eval_count;
  out["prompt_eval_duration"] = r.prompt_eval_duration;
  out["eval_count"] = r.eval_count;
  out["eval_duration"] = r.eval_duration;
  if (!job.stream && !m.logprobs.empty()) out["logprobs"] = NativeLogprobs(m.logprobs);
  return out;
}

}  // namespace suanli::server
