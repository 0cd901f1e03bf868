#include "engine/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>

#include "base/log.h"
#include "engine/llama_backend.h"
#include "engine/sampler.h"
#include "engine/stream_filter.h"
#include "llama.h"

namespace suanli::engine {

namespace {
using Clock = std::chrono::steady_clock;

int64_t Nanos(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
}

StatusOr<ggml_type> KvCacheType(const std::string& name) {
  if (name.empty() || name == "f16") return GGML_TYPE_F16;
  if (name == "q8_0") return GGML_TYPE_Q8_0;
  if (name == "q4_0") return GGML_TYPE_Q4_0;
  return InvalidArgumentError("unknown KV cache type '" + name + "' (f16, q8_0 or q4_0)");
}

size_t CommonPrefix(const std::vector<Token>& a, const std::vector<Token>& b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

bool IsFinal(const CompletionEvent& e) { return e.kind != CompletionEvent::Kind::kToken; }

// Log-softmax of `logits` at `token` and the `n_top` most likely tokens.
void Logprobs(const float* logits, int32_t n_vocab, Token token, int n_top, CompletionEvent* ev) {
  float max = logits[0];
  for (int32_t i = 1; i < n_vocab; ++i) max = std::max(max, logits[i]);
  double sum = 0;
  for (int32_t i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i] - max));
  const float log_z = max + static_cast<float>(std::log(sum));
  ev->logprob = TokenLogprob{token, logits[token] - log_z};
  n_top = std::clamp(n_top, 0, static_cast<int>(n_vocab));
  if (n_top == 0) return;
  std::vector<Token> ids(n_vocab);
  for (int32_t i = 0; i < n_vocab; ++i) ids[i] = i;
  std::partial_sort(ids.begin(), ids.begin() + n_top, ids.end(),
                    [&](Token a, Token b) { return logits[a] > logits[b]; });
  for (int i = 0; i < n_top; ++i) ev->top_logprobs.push_back({ids[i], logits[ids[i]] - log_z});
}
}  // namespace

// Shared between the decode thread (producer) and a Completion (consumer).
class CompletionState {
 public:
  explicit CompletionState(CompletionRequest r) : request(std::move(r)) {}

  void Push(CompletionEvent event) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(event));
    cv_.notify_all();
  }
  // Waits up to `timeout` for an event; false on timeout.
  bool Pop(std::chrono::milliseconds timeout, CompletionEvent* out) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !events_.empty() || final_.has_value(); })) return false;
    if (events_.empty()) {
      *out = *final_;
      return true;
    }
    *out = std::move(events_.front());
    events_.pop_front();
    if (IsFinal(*out)) final_ = *out;
    return true;
  }

  const CompletionRequest request;
  std::atomic<bool> cancelled{false};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CompletionEvent> events_;        // GUARDED_BY(mu_)
  std::optional<CompletionEvent> final_;      // GUARDED_BY(mu_)
};

Completion::~Completion() { Cancel(); }
CompletionEvent Completion::Next() {
  CompletionEvent e;
  while (!state_->Pop(std::chrono::hours(24), &e)) {
  }
  return e;
}
bool Completion::NextWithin(int timeout_ms, CompletionEvent* event) {
  return state_->Pop(std::chrono::milliseconds(timeout_ms), event);
}
void Completion::Cancel() { state_->cancelled = true; }

struct Engine::Slot {
  int id = 0;
  std::vector<Token> cache;  // tokens whose KV is in sequence `id`
  uint64_t last_used = 0;

  std::shared_ptr<CompletionState> job;  // null when idle
  size_t prompt_pos = 0;                 // next prompt token to decode
  bool generating = false;
  Token next_token = -1;  // sampled, not yet decoded
  int batch_row = -1;
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<StreamFilter> filter;
  Clock::time_point t_start, t_first;
  Timings timings;
};

Engine::Engine(const Model& model) : model_(model) {}

StatusOr<std::unique_ptr<Engine>> Engine::Create(const Model& model, const EngineOptions& options,
                                                 const LoraAdapters* adapters) {
  EnsureLlamaBackend();
  if (model.info().is_embedding) return InvalidArgumentError("this model is an embedding model and cannot generate text");
  if (options.num_parallel < 1 || options.num_parallel > 256) return InvalidArgumentError("num_parallel must be between 1 and 256");
  ASSIGN_OR_RETURN(ggml_type kv_type, KvCacheType(options.kv_cache_type));

  auto engine = std::unique_ptr<Engine>(new Engine(model));
  int num_ctx = std::max(options.num_ctx, 16);
  if (model.info().context_length > 0) num_ctx = std::min<int>(num_ctx, model.info().context_length);
  engine->threads_ = options.num_thread > 0 ? options.num_thread
                                            : std::max(1u, std::thread::hardware_concurrency());

  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = static_cast<uint32_t>(num_ctx) * options.num_parallel;
  cp.n_seq_max = options.num_parallel;
  cp.n_batch = std::max(options.num_batch, 1);
  cp.n_ubatch = cp.n_batch;
  cp.n_threads = engine->threads_;
  cp.n_threads_batch = engine->threads_;
  cp.type_k = kv_type;
  cp.type_v = kv_type;
  cp.flash_attn_type = options.flash_attention < 0 ? LLAMA_FLASH_ATTN_TYPE_AUTO
                       : options.flash_attention == 0 ? LLAMA_FLASH_ATTN_TYPE_DISABLED
                                                      : LLAMA_FLASH_ATTN_TYPE_ENABLED;
  if (kv_type != GGML_TYPE_F16 && options.flash_attention == 0) {
    return InvalidArgumentError("a quantized KV cache needs flash attention");
  }
  cp.no_perf = true;
  TakeFirstLlamaError();
  engine->ctx_ = llama_init_from_model(model.raw(), cp);
  if (engine->ctx_ == nullptr) {
    std::string why = TakeFirstLlamaError();
    if (auto colon = why.find(": "); colon != std::string::npos) why = why.substr(colon + 2);
    if (why.find("cache type") != std::string::npos) {
      return InvalidArgumentError("KV cache type '" + options.kv_cache_type + "' does not suit this model: " + why);
    }
    return ResourceExhaustedError("could not create a context of " + std::to_string(cp.n_ctx) + " tokens: " + why);
  }
  if (adapters != nullptr) RETURN_IF_ERROR(adapters->Apply(engine->ctx_));
  engine->n_ctx_slot_ = static_cast<int>(llama_n_ctx_seq(engine->ctx_));
  engine->n_batch_ = static_cast<int>(llama_n_batch(engine->ctx_));
  for (int i = 0; i < options.num_parallel; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->id = i;
    engine->slots_.push_back(std::move(slot));
  }
  engine->thread_ = std::thread([e = engine.get()] { e->Loop(); });
  return engine;
}

Engine::~Engine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ctx_) llama_free(ctx_);
}

StatusOr<std::unique_ptr<Completion>> Engine::Submit(CompletionRequest request) {
  if (request.prompt.empty()) return InvalidArgumentError("the prompt is empty");
  const int32_t n_vocab = model_.VocabSize();
  for (Token t : request.prompt) {
    if (t < 0 || t >= n_vocab) return InvalidArgumentError("the prompt contains an invalid token id " + std::to_string(t));
  }
  if (static_cast<int>(request.prompt.size()) >= n_ctx_slot_) {
    return InvalidArgumentError("the prompt (" + std::to_string(request.prompt.size()) +
                                " tokens) exceeds the context size (" + std::to_string(n_ctx_slot_) + " tokens)");
  }
  auto state = std::make_shared<CompletionState>(std::move(request));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return UnavailableError("the engine is shutting down");
    queue_.push_back(state);
  }
  cv_.notify_all();
  return std::make_unique<Completion>(state);
}

void Engine::Finish(Slot& slot, CompletionEvent event) {
  if (event.kind == CompletionEvent::Kind::kDone) {
    std::string rest = slot.filter->Flush();
    if (!rest.empty()) {
      CompletionEvent tail;
      tail.text = std::move(rest);
      slot.job->Push(std::move(tail));
    }
    const auto now = Clock::now();
    if (slot.generating) slot.timings.eval_duration_ns = Nanos(slot.t_first, now);
    event.timings = slot.timings;
  }
  slot.job->Push(std::move(event));
  slot.job.reset();
  slot.sampler.reset();
  slot.filter.reset();
  slot.generating = false;
  slot.batch_row = -1;
  slot.last_used = ++use_clock_;
}

bool Engine::StartInSlot(Slot& slot, std::shared_ptr<CompletionState> job) {
  const auto& req = job->request;
  auto sampler = Sampler::Create(model_, req.sampling, n_ctx_slot_, req.grammar);
  if (!sampler.ok()) {
    CompletionEvent e;
    e.kind = CompletionEvent::Kind::kError;
    e.error = sampler.status();
    job->Push(std::move(e));
    return false;
  }
  // Reuse the cached prefix; always decode at least one prompt token so that
  // there are logits to sample from.
  size_t keep = std::min(CommonPrefix(slot.cache, req.prompt), req.prompt.size() - 1);
  llama_memory_t mem = llama_get_memory(ctx_);
  if (!llama_memory_seq_rm(mem, slot.id, static_cast<llama_pos>(keep), -1)) {
    llama_memory_seq_rm(mem, slot.id, -1, -1);
    keep = 0;
  }
  slot.cache.resize(keep);
  slot.job = std::move(job);
  slot.prompt_pos = keep;
  slot.generating = false;
  slot.sampler = std::move(sampler).value();
  slot.sampler->AcceptPrompt(slot.job->request.prompt);
  slot.filter = std::make_unique<StreamFilter>(slot.job->request.sampling.stop);
  slot.t_start = Clock::now();
  slot.timings = Timings{};
  slot.timings.cached_prompt_tokens = static_cast<int64_t>(keep);
  slot.timings.prompt_eval_count = static_cast<int64_t>(slot.job->request.prompt.size());
  return true;
}

void Engine::AssignQueued() {
  std::deque<std::shared_ptr<CompletionState>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t idle = 0;
    for (auto& s : slots_) idle += s->job == nullptr;
    while (idle > 0 && !queue_.empty()) {
      jobs.push_back(std::move(queue_.front()));
      queue_.pop_front();
      --idle;
    }
  }
  for (auto& job : jobs) {
    if (job->cancelled) {
      CompletionEvent e;
      e.kind = CompletionEvent::Kind::kError;
      e.error = CancelledError("the request was cancelled");
      job->Push(std::move(e));
      continue;
    }
    // Longest common prefix wins; ties go to the least recently used slot.
    Slot* best = nullptr;
    size_t best_prefix = 0;
    for (auto& s : slots_) {
      if (s->job) continue;
      size_t p = CommonPrefix(s->cache, job->request.prompt);
      if (!best || p > best_prefix || (p == best_prefix && s->last_used < best->last_used)) {
        best = s.get();
        best_prefix = p;
      }
    }
    StartInSlot(*best, std::move(job));
  }
}

void Engine::AfterDecode(Slot& slot, int batch_row) {
  const auto& req = slot.job->request;
  if (!slot.generating) {
    slot.generating = true;
    slot.t_first = Clock::now();
    slot.timings.prompt_eval_duration_ns = Nanos(slot.t_start, slot.t_first);
  }
  Token token = slot.sampler->Sample(ctx_, batch_row);
  CompletionEvent ev;
  if (req.logprobs >= 0) {
    if (const float* logits = llama_get_logits_ith(ctx_, batch_row)) {
      Logprobs(logits, model_.VocabSize(), token, req.logprobs, &ev);
    }
  }
  if (model_.IsEndOfGeneration(token) && !req.ignore_eos) {
    CompletionEvent done;
    done.kind = CompletionEvent::Kind::kDone;
    done.done_reason = "stop";
    Finish(slot, std::move(done));
    return;
  }
  slot.timings.eval_count++;
  ev.token = token;
  ev.text = slot.filter->Push(model_.TokenPiece(token));
  slot.job->Push(std::move(ev));

  CompletionEvent done;
  done.kind = CompletionEvent::Kind::kDone;
  if (slot.filter->stopped()) {
    done.done_reason = "stop";
  } else if (req.sampling.num_predict >= 0 && slot.timings.eval_count >= req.sampling.num_predict) {
    done.done_reason = "length";
  } else if (static_cast<int>(slot.cache.size()) + 1 >= n_ctx_slot_) {
    done.done_reason = "length";  // no room left in this slot's context
  } else {
    slot.next_token = token;
    return;
  }
  Finish(slot, std::move(done));
}

void Engine::FailBatch(const std::vector<Slot*>& members, const Status& status) {
  llama_memory_t mem = llama_get_memory(ctx_);
  for (Slot* s : members) {
    llama_memory_seq_rm(mem, s->id, -1, -1);
    s->cache.clear();
    CompletionEvent e;
    e.kind = CompletionEvent::Kind::kError;
    e.error = status;
    Finish(*s, std::move(e));
  }
}

void Engine::Loop() {
  llama_batch batch = llama_batch_init(n_batch_, 0, 1);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] {
        if (stopping_ || !queue_.empty()) return true;
        return std::any_of(slots_.begin(), slots_.end(), [](auto& s) { return s->job != nullptr; });
      });
      if (stopping_) {
        for (auto& job : queue_) {
          CompletionEvent e;
          e.kind = CompletionEvent::Kind::kError;
          e.error = UnavailableError("the engine is shutting down");
          job->Push(std::move(e));
        }
        queue_.clear();
        break;
      }
    }
    AssignQueued();

    // Cancellation is honoured between steps.
    for (auto& s : slots_) {
      if (s->job && s->job->cancelled) {
        CompletionEvent e;
        e.kind = CompletionEvent::Kind::kError;
        e.error = CancelledError("the request was cancelled");
        Finish(*s, std::move(e));
      }
    }

    batch.n_tokens = 0;
    std::vector<Slot*> members;
    auto add = [&](Slot& s, Token t, bool output) {
      const int i = batch.n_tokens++;
      batch.token[i] = t;
      batch.pos[i] = static_cast<llama_pos>(s.cache.size());
      batch.n_seq_id[i] = 1;
      batch.seq_id[i][0] = s.id;
      batch.logits[i] = output;
      s.cache.push_back(t);
      if (output) s.batch_row = i;
    };
    // Next tokens of generating slots first, then prompt chunks.
    for (auto& s : slots_) {
      s->batch_row = -1;
      if (s->job && s->generating && batch.n_tokens < n_batch_) {
        add(*s, s->next_token, true);
        members.push_back(s.get());
      }
    }
    for (auto& s : slots_) {
      if (!s->job || s->generating) continue;
      const auto& prompt = s->job->request.prompt;
      bool added = false;
      while (s->prompt_pos < prompt.size() && batch.n_tokens < n_batch_) {
        const bool last = s->prompt_pos + 1 == prompt.size();
        add(*s, prompt[s->prompt_pos++], last);
        added = true;
      }
      if (added) members.push_back(s.get());
    }
    if (batch.n_tokens == 0) continue;

    const int rc = llama_decode(ctx_, batch);
    if (rc != 0) {
      LogWarn("llama_decode failed with code " + std::to_string(rc));
      FailBatch(members, rc == 1 ? ResourceExhaustedError("the context is full")
                                 : InternalError("the model failed to evaluate the batch"));
      continue;
    }
    for (Slot* s : members) {
      if (s->batch_row >= 0) AfterDecode(*s, s->batch_row);
    }
  }
  // Shutdown: end running requests.
  for (auto& s : slots_) {
    if (!s->job) continue;
    CompletionEvent e;
    e.kind = CompletionEvent::Kind::kError;
    e.error = UnavailableError("the engine is shutting down");
    Finish(*s, std::move(e));
  }
  llama_batch_free(batch);
}

}  // namespace suanli::engine
