// Prepares a native generate or chat request (the OpenAI routes translate
// theirs into one first): validation, model and capabilities, options,
// load/unload requests, the scheduler lease, prompt rendering and truncation
// to the context, and the runner request. Thread-safe (the store and the
// scheduler are); one call per request.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "sched/scheduler.h"
#include "server/completion_runner.h"
#include "server/request_util.h"
#include "store/model_store.h"

namespace suanli::server {

struct CompletionDeps {
  store::ModelStore* store;
  sched::Scheduler* scheduler;
  RequestDefaults defaults;
};

struct PreparedCompletion {
  enum class Kind {
    kRun,       // `job` is ready to run
    kLoaded,    // empty prompt/messages: the model was loaded
    kUnloaded,  // empty prompt/messages with keep_alive 0: it was unloaded
    kRendered,  // _debug_render_only: `rendered` is the prompt
  };
  Kind kind = Kind::kRun;
  std::string model;                   // as the client wrote it
  std::string rendered;                // kRendered
  std::shared_ptr<CompletionJob> job;  // kRun
};

struct PrepareOptions {
  bool chat = false;
  // Native behaviour: an empty prompt or message list only loads (or, with
  // keep_alive 0, unloads) the model. Off for the OpenAI routes.
  bool load_on_empty = true;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::function<bool()> client_gone = [] { return false; };
};

// Validates `body` (Ollama's /api/generate or /api/chat fields plus the
// extensions tool_choice and logprobs) and prepares it. Errors are Ollama's
// (InvalidArgument 400, NotFound 404, ...), returned before anything streams.
// The body keeps its key order (JSON schemas in `format` and tool parameters
// reach the runner as written).
StatusOr<PreparedCompletion> PrepareCompletion(const nlohmann::ordered_json& body, const CompletionDeps& deps,
                                               const PrepareOptions& options);

}  // namespace suanli::server
