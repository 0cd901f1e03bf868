// Embedder: turns texts into L2-normalised vectors with an embedding model's
// own pooling (mean, cls or last), several inputs per decode. Thread-safe:
// calls are serialised on an internal mutex (one context per embedder).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/model.h"

struct llama_context;

namespace suanli::engine {

struct EmbedderOptions {
  int num_ctx = 4096;       // per input; clamped to the model's training context
  int max_sequences = 4;    // inputs per decode (rounded down to a power of two)
  int num_thread = 0;       // 0 = one per hardware thread
};

struct EmbedResult {
  std::vector<std::vector<float>> embeddings;  // one per input, unit length
  int64_t prompt_tokens = 0;
};

class Embedder {
 public:
  // Fails with InvalidArgument for a model without pooled embeddings and
  // ResourceExhausted when the context cannot be created.
  static StatusOr<std::unique_ptr<Embedder>> Create(const Model& model, const EmbedderOptions& options);
  ~Embedder();

  // Embeds `inputs` in order. An input longer than the context is cut to fit
  // when `truncate`, otherwise the call fails with InvalidArgument.
  StatusOr<EmbedResult> Embed(const std::vector<std::string>& inputs, bool truncate);

  int context_per_input() const { return n_ctx_seq_; }
  int dimensions() const { return n_embd_; }

 private:
  explicit Embedder(const Model& model) : model_(model) {}
  Status DecodeGroup(const std::vector<std::vector<Token>>& group, std::vector<std::vector<float>>* out);

  const Model& model_;
  std::mutex mu_;
  llama_context* ctx_ = nullptr;  // GUARDED_BY(mu_)
  int n_ctx_seq_ = 0;
  int n_batch_ = 0;
  int n_seq_max_ = 1;
  int n_embd_ = 0;
};

// Scales `v` to unit L2 length; returns false when it has a NaN, an infinity
// or zero length.
bool NormalizeL2(std::vector<float>* v);

}  // namespace suanli::engine
