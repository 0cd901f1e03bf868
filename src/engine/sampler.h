// Sampler: one llama.cpp sampler chain per request built from Ollama-style
// options (greedy when temperature <= 0; seeded, so the same seed and options
// give the same tokens). Not thread-safe: used only by the decode thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/engine.h"
#include "engine/model.h"
#include "engine/options.h"

struct llama_sampler;
struct llama_context;
struct llama_token_data;

namespace suanli::engine {

// OK when `grammar` parses for `model` and accepts its prefill tokens;
// InvalidArgument naming the problem otherwise.
Status CheckGrammar(const Model& model, const GrammarSpec& grammar);

class Sampler {
 public:
  // `context_size` resolves repeat_last_n = -1. A grammar with non-empty
  // GBNF constrains the output (it is advanced past its prefill tokens
  // first); a grammar that does not parse or rejects its prefill fails with
  // InvalidArgument.
  static StatusOr<std::unique_ptr<Sampler>> Create(const Model& model, const SamplingOptions& options,
                                                  int context_size, const GrammarSpec& grammar = {});
  ~Sampler();

  // Records prompt tokens as history for the repetition penalties.
  void AcceptPrompt(const std::vector<Token>& prompt);
  // Samples from the logits of batch row `batch_index` and accepts the token.
  Token Sample(llama_context* ctx, int batch_index);

 private:
  Sampler() = default;
  bool Allowed(const llama_token_data& candidate);
  Token SampleAllowed();

  llama_sampler* penalties_ = nullptr;  // null when no penalty is on
  llama_sampler* chain_ = nullptr;      // top-k ... then greedy or dist
  llama_sampler* grammar_ = nullptr;    // null without a grammar
  int top_k_ = 0;                       // candidates the chain keeps (0: all)
  int32_t n_vocab_ = 0;
  int history_ = 0;
  std::vector<llama_token_data> base_;     // logits after the penalties
  std::vector<llama_token_data> work_;     // scratch
  std::vector<llama_token_data> allowed_;  // scratch
  std::vector<llama_token_data> scratch_;  // scratch
};

}  // namespace suanli::engine
