// Engine: one llama_context with `num_parallel` slots and one decode thread
// doing continuous batching. Each step puts the pending prompt chunks and the
// next tokens of every active slot into one llama_batch and decodes once. A
// new request takes the idle slot whose cached tokens share the longest prefix
// with its prompt and decodes only the rest. Requests are cancelled between
// steps.
// Thread-safety: Submit and the Completion handles may be used from any
// thread; all llama_context work happens on the engine's own thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "engine/lora_adapters.h"
#include "engine/model.h"
#include "engine/options.h"

struct llama_context;

namespace suanli::engine {

struct EngineOptions {
  int num_ctx = 4096;      // tokens per slot; clamped to the model's training context
  int num_parallel = 1;    // slots
  int num_batch = 512;     // tokens per decode step
  int num_thread = 0;      // 0 = one per hardware thread
  int flash_attention = -1;  // -1 auto, 0 off, 1 on
  std::string kv_cache_type = "f16";  // f16, q8_0, q4_0
};

// A GBNF grammar that constrains sampling (llama.cpp's grammar sampler).
struct GrammarSpec {
  std::string gbnf;  // empty = unconstrained
  // Lazy: sampling is free until the generated text matches a trigger pattern
  // (a regex) or a trigger token is sampled (tool calls with tool_choice auto).
  bool lazy = false;
  std::vector<std::string> trigger_patterns;
  std::vector<Token> trigger_tokens;
  // Tokens the grammar consumes before sampling starts: a template's grammar
  // begins with the generation prompt that is already in the prompt.
  std::vector<Token> prefill;
};

struct CompletionRequest {
  std::vector<Token> prompt;
  SamplingOptions sampling;
  GrammarSpec grammar;
  bool ignore_eos = false;  // keep generating past end-of-generation tokens
  int logprobs = -1;        // >= 0: report each token's log-probability and this many alternatives
};

// Durations in nanoseconds. prompt_eval_count counts the whole prompt,
// cached_prompt_tokens the part that came from a slot's cache.
struct Timings {
  int64_t prompt_eval_count = 0;
  int64_t prompt_eval_duration_ns = 0;
  int64_t eval_count = 0;
  int64_t eval_duration_ns = 0;
  int64_t cached_prompt_tokens = 0;
};

// Log-probability of a token under the model's distribution (before sampling).
struct TokenLogprob {
  Token token = -1;
  float logprob = 0.0f;
};

struct CompletionEvent {
  enum class Kind { kToken, kDone, kError };
  Kind kind = Kind::kToken;
  Token token = -1;         // kToken: the sampled token
  std::string text;         // kToken: text safe to emit now (may be empty)
  // kToken, when the request asked for logprobs: the sampled token's and the
  // most likely alternatives (best first).
  std::optional<TokenLogprob> logprob;
  std::vector<TokenLogprob> top_logprobs;
  std::string done_reason;  // kDone: "stop" or "length"
  Timings timings;          // kDone
  Status error;             // kError
};

class CompletionState;

// Handle of one submitted request. Thread-safe.
class Completion {
 public:
  explicit Completion(std::shared_ptr<CompletionState> state) : state_(std::move(state)) {}
  ~Completion();
  // Blocks for the next event. After the final kDone or kError event, returns
  // that event again.
  CompletionEvent Next();
  // Like Next but gives up after `timeout_ms`; returns false on timeout.
  bool NextWithin(int timeout_ms, CompletionEvent* event);
  // Asks the engine to stop this request at the next step; Next() then yields
  // kError with code Cancelled (unless it already finished).
  void Cancel();

 private:
  std::shared_ptr<CompletionState> state_;
};

class Engine {
 public:
  // Creates the context and starts the decode thread. Fails with
  // InvalidArgument for bad options (unknown KV cache type, embedding model)
  // and ResourceExhausted when the context cannot be allocated. `adapters`
  // (may be null; must outlive the engine) are applied to the context.
  static StatusOr<std::unique_ptr<Engine>> Create(const Model& model, const EngineOptions& options,
                                                  const LoraAdapters* adapters = nullptr);
  ~Engine();  // cancels queued and running requests, joins the thread

  // Queues a request. Fails with InvalidArgument when the prompt is empty or
  // leaves no room to generate in one slot's context.
  StatusOr<std::unique_ptr<Completion>> Submit(CompletionRequest request);

  int num_slots() const { return static_cast<int>(slots_.size()); }
  int context_per_slot() const { return n_ctx_slot_; }
  int threads() const { return threads_; }

 private:
  struct Slot;
  explicit Engine(const Model& model);
  void Loop();
  void AssignQueued();
  bool StartInSlot(Slot& slot, std::shared_ptr<CompletionState> job);
  void Finish(Slot& slot, CompletionEvent event);
  void AfterDecode(Slot& slot, int batch_row);
  void FailBatch(const std::vector<Slot*>& members, const Status& status);

  const Model& model_;
  llama_context* ctx_ = nullptr;
  int n_ctx_slot_ = 0;
  int n_batch_ = 0;
  int threads_ = 0;
  std::vector<std::unique_ptr<Slot>> slots_;  // touched only by the decode thread
  uint64_t use_clock_ = 0;                    // decode thread only

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<CompletionState>> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                               // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace suanli::engine
