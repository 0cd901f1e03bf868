// Sampler: one llama.cpp sampler chain per request built from Ollama-style
// options (greedy when temperature <= 0; seeded, so the same seed and options
// give the same tokens). Not thread-safe: used only by the decode thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/model.h"
#include "engine/options.h"

struct llama_sampler;
struct llama_context;

namespace suanli::engine {

class Sampler {
 public:
  // `context_size` resolves repeat_last_n = -1. A non-empty `grammar` (GBNF)
  // constrains the output; an invalid grammar fails with InvalidArgument.
  static StatusOr<std::unique_ptr<Sampler>> Create(const Model& model, const SamplingOptions& options,
                                                  int context_size, const std::string& grammar = "");
  ~Sampler();

  // Records prompt tokens as history for the repetition penalties.
  void AcceptPrompt(const std::vector<Token>& prompt);
  // Samples from the logits of batch row `batch_index` and accepts the token.
  Token Sample(llama_context* ctx, int batch_index);

 private:
  Sampler() = default;
  llama_sampler* chain_ = nullptr;
  bool has_penalties_ = false;
  int history_ = 0;
};

}  // namespace suanli::engine
