// One completion (generate or chat, native or OpenAI) through a scheduler
// lease: sends the runner request and turns its NDJSON into neutral deltas
// (content, thinking, tool calls, logprobs) and a result that the native and
// OpenAI layers format; reports a runner that died so the next request
// starts a fresh one. Not thread-safe: one object per request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "sched/scheduler.h"

namespace suanli::server {

struct CompletionJob {
  std::unique_ptr<sched::Lease> lease;
  nlohmann::ordered_json runner_request;  // key order kept (JSON schemas)
  std::string model;  // display name for the replies
  bool chat = false;
  bool stream = true;
  bool return_context = false;  // generate: include `context`
  std::vector<int> prompt_tokens;
  std::chrono::steady_clock::time_point start;
};

// Tool calls keep the runner's shape: [{"id", "function": {"name",
// "arguments" (JSON text)}}]. Logprobs: [{"token" (id), "text", "logprob",
// "top_logprobs": [{"token", "text", "logprob"}]}].
struct CompletionDelta {
  std::string content;
  std::string thinking;
  nlohmann::json tool_calls = nlohmann::json::array();
  nlohmann::json logprobs = nlohmann::json::array();
  bool empty() const { return content.empty() && thinking.empty() && tool_calls.empty() && logprobs.empty(); }
};

struct CompletionResult {
  CompletionDelta message;  // the whole answer
  std::string done_reason;  // stop or length
  std::vector<int> generated;
  int64_t prompt_eval_count = 0;
  int64_t prompt_eval_duration = 0;
  int64_t eval_count = 0;
  int64_t eval_duration = 0;
  int64_t load_duration = 0;
  int64_t total_duration = 0;
};

// Runs `job`. Each non-empty delta goes to `on_delta` as it arrives (false:
// the client left, the request is cancelled). Returns the whole result, or
// the error (Unavailable when the runner died).
StatusOr<CompletionResult> RunCompletion(CompletionJob& job,
                                         const std::function<bool(const CompletionDelta&)>& on_delta);

// Ollama's "created_at" for now.
std::string CreatedAtNow();

}  // namespace suanli::server
