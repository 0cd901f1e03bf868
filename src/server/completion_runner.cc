#include "server/completion_runner.h"

#include "base/duration.h"
#include "base/sha256.h"

namespace suanli::server {

using json = nlohmann::json;

std::string CreatedAtNow() { return FormatRfc3339Nano(std::chrono::system_clock::now()); }

namespace {

// Ollama's tool call shape: arguments as an object, id "call_" + 8 chars.
json ToolCallsJson(const json& calls) {
  json out = json::array();
  int index = 0;
  for (const json& c : calls) {
    const json fn = c.value("function", json::object());
    json args = json::parse(fn.value("arguments", "{}"), nullptr, false);
    if (args.is_discarded()) args = json::object();
    std::string id = c.value("id", "");
    if (id.empty()) id = "call_" + Sha256Hex(fn.dump() + std::to_string(index)).substr(0, 8);
    out.push_back({{"id", id}, {"function", {{"index", index++}, {"name", fn.value("name", "")}, {"arguments", args}}}});
  }
  return out;
}

}  // namespace

StatusOr<json> RunCompletion(CompletionJob& job, const std::function<bool(const json&)>& emit) {
  std::string text;
  std::vector<int> generated;
  json final_line;
  auto chunk = [&](const std::string& piece) {
    json c = {{"model", job.model}, {"created_at", CreatedAtNow()}};
    if (job.chat) {
      c["message"] = {{"role", "assistant"}, {"content", piece}};
    } else {
      c["response"] = piece;
    }
    c["done"] = false;
    return c;
  };
  Status st = job.lease->client().Complete(job.runner_request, [&](const json& line) {
    if (line.value("done", false)) {
      final_line = line;
      return true;
    }
    if (line.contains("token") && line["token"].is_number_integer()) generated.push_back(line["token"].get<int>());
    const std::string piece = line.value("text", "");
    text += piece;
    if (job.stream && !piece.empty()) return emit(chunk(piece));
    return true;
  });
  if (!st.ok()) {
    if (st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kInternal) job.lease->ReportFailure();
    if (st.code() == StatusCode::kUnavailable) {
      return UnavailableError("an error was encountered while running the model: " + st.message());
    }
    return st;
  }

  const json timings = final_line.value("timings", json::object());
  json out = {{"model", job.model}, {"created_at", CreatedAtNow()}};
  if (job.chat) {
    json message = {{"role", "assistant"}, {"content", job.stream ? "" : text}};
    const json parsed = final_line.value("message", json::object());
    if (parsed.is_object()) {
      if (!job.stream && parsed.contains("content")) message["content"] = parsed["content"];
      if (parsed.contains("thinking")) message["thinking"] = parsed["thinking"];
      if (parsed.contains("tool_calls")) message["tool_calls"] = ToolCallsJson(parsed["tool_calls"]);
    }
    out["message"] = message;
  } else {
    out["response"] = job.stream ? "" : text;
  }
  out["done"] = true;
  out["done_reason"] = final_line.value("done_reason", "stop");
  if (job.return_context) {
    std::vector<int> context = job.prompt_tokens;
    context.insert(context.end(), generated.begin(), generated.end());
    out["context"] = context;
  }
  out["total_duration"] =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - job.start).count();
  out["load_duration"] = job.lease->load_duration_ns();
  out["prompt_eval_count"] = timings.value("prompt_eval_count", int64_t{0});
  out["prompt_eval_duration"] = timings.value("prompt_eval_duration", int64_t{0});
  out["eval_count"] = timings.value("eval_count", int64_t{0});
  out["eval_duration"] = timings.value("eval_duration", int64_t{0});
  return out;
}

}  // namespace suanli::server
