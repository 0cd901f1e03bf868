// One native completion (generate or chat) through a scheduler lease: sends
// the runner request, turns its NDJSON into Ollama's chunks and final object,
// and reports a runner that died so the next request starts a fresh one.
// Not thread-safe: one object per request.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "sched/scheduler.h"

namespace suanli::server {

struct CompletionJob {
  std::unique_ptr<sched::Lease> lease;
  nlohmann::json runner_request;
  std::string model;             // display name for the replies
  bool chat = false;
  bool stream = true;
  bool return_context = false;   // generate: include `context`
  std::vector<int> prompt_tokens;
  std::chrono::steady_clock::time_point start;
};

// Runs `job`. When streaming, each chunk goes to `emit` (false: the client
// left, the request is cancelled). Returns the final object (for streaming
// the last line; otherwise the whole reply), or the error.
StatusOr<nlohmann::json> RunCompletion(CompletionJob& job, const std::function<bool(const nlohmann::json&)>& emit);

// Ollama's "created_at" for now.
std::string CreatedAtNow();

}  // namespace suanli::server
