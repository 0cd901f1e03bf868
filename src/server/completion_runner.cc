#include "server/completion_runner.h"

#include "base/duration.h"

namespace suanli::server {

using json = nlohmann::json;

std::string CreatedAtNow() { return FormatRfc3339Nano(std::chrono::system_clock::now()); }

namespace {

// A runner line's delta: the parsed "delta" when the runner parses the
// answer, else the raw text.
CompletionDelta DeltaOf(const json& line) {
  CompletionDelta d;
  if (auto it = line.find("delta"); it != line.end() && it->is_object()) {
    d.content = it->value("content", "");
    d.thinking = it->value("thinking", "");
    if (auto tc = it->find("tool_calls"); tc != it->end() && tc->is_array()) d.tool_calls = *tc;
  } else {
    d.content = line.value("text", "");
  }
  if (auto lp = line.find("logprob"); lp != line.end() && lp->is_object()) {
    json entry = *lp;
    entry["top_logprobs"] = line.value("top_logprobs", json::array());
    d.logprobs.push_back(entry);
  }
  return d;
}

void Append(CompletionDelta* into, const CompletionDelta& d) {
  into->content += d.content;
  into->thinking += d.thinking;
  for (const json& c : d.tool_calls) into->tool_calls.push_back(c);
  for (const json& l : d.logprobs) into->logprobs.push_back(l);
}

}  // namespace

StatusOr<CompletionResult> RunCompletion(CompletionJob& job,
                                         const std::function<bool(const CompletionDelta&)>& on_delta) {
  CompletionResult result;
  json final_line;
  Status st = job.lease->client().CompleteOrdered(job.runner_request, [&](const json& line) {
    if (line.value("done", false)) {
      final_line = line;
      return true;
    }
    if (line.contains("token") && line["token"].is_number_integer() && line["token"].get<int>() >= 0) {
      result.generated.push_back(line["token"].get<int>());
    }
    const CompletionDelta d = DeltaOf(line);
    Append(&result.message, d);
    if (!d.empty()) return on_delta(d);
    return true;
  });
  if (!st.ok()) {
    if (st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kInternal) job.lease->ReportFailure();
    if (st.code() == StatusCode::kUnavailable) {
      return UnavailableError("an error was encountered while running the model: " + st.message());
    }
    return st;
  }
  // The runner's final parse is authoritative for the whole answer (tool
  // calls that never streamed, text the parser read differently at the end).
  if (auto m = final_line.find("message"); m != final_line.end() && m->is_object()) {
    result.message.content = m->value("content", result.message.content);
    result.message.thinking = m->value("thinking", "");
    result.message.tool_calls = m->value("tool_calls", json::array());
  }
  const json timings = final_line.value("timings", json::object());
  result.done_reason = final_line.value("done_reason", "stop");
  result.prompt_eval_count = timings.value("prompt_eval_count", int64_t{0});
  result.prompt_eval_duration = timings.value("prompt_eval_duration", int64_t{0});
  result.eval_count = timings.value("eval_count", int64_t{0});
  result.eval_duration = timings.value("eval_duration", int64_t{0});
  result.load_duration = job.lease->load_duration_ns();
  result.total_duration =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - job.start).count();
  return result;
}

}  // namespace suanli::server
