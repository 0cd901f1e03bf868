#include "engine/sampler.h"

#include <algorithm>

#include "llama.h"

namespace suanli::engine {

StatusOr<std::unique_ptr<Sampler>> Sampler::Create(const Model& model, const SamplingOptions& o,
                                                   int context_size, const std::string& grammar) {
  auto sampler = std::unique_ptr<Sampler>(new Sampler());
  llama_sampler_chain_params cp = llama_sampler_chain_default_params();
  cp.no_perf = true;
  llama_sampler* chain = llama_sampler_chain_init(cp);
  sampler->chain_ = chain;

  if (!grammar.empty()) {
    llama_sampler* g = llama_sampler_init_grammar(model.vocab(), grammar.c_str(), "root");
    if (g == nullptr) return InvalidArgumentError("the grammar for this request does not parse");
    llama_sampler_chain_add(chain, g);
  }

  sampler->history_ = o.repeat_last_n < 0 ? context_size : o.repeat_last_n;
  const float repeat = o.repeat_penalty > 0.0f ? o.repeat_penalty : 1.0f;  // <= 0 means off
  sampler->has_penalties_ = sampler->history_ > 0 &&
                            (repeat != 1.0f || o.frequency_penalty != 0.0f || o.presence_penalty != 0.0f);
  if (sampler->has_penalties_) {
    llama_sampler_chain_add(chain, llama_sampler_init_penalties(model.VocabSize(), sampler->history_, repeat,
                                                                o.frequency_penalty, o.presence_penalty));
  }
  if (o.temperature <= 0.0f) {
    llama_sampler_chain_add(chain, llama_sampler_init_greedy());
    return sampler;
  }
  if (o.top_k > 0) llama_sampler_chain_add(chain, llama_sampler_init_top_k(o.top_k));
  if (o.typical_p > 0.0f && o.typical_p < 1.0f) llama_sampler_chain_add(chain, llama_sampler_init_typical(o.typical_p, 1));
  if (o.top_p > 0.0f && o.top_p < 1.0f) llama_sampler_chain_add(chain, llama_sampler_init_top_p(o.top_p, 1));
  if (o.min_p > 0.0f) llama_sampler_chain_add(chain, llama_sampler_init_min_p(o.min_p, 1));
  llama_sampler_chain_add(chain, llama_sampler_init_temp(o.temperature));
  const uint32_t seed = o.seed < 0 ? LLAMA_DEFAULT_SEED : static_cast<uint32_t>(o.seed);
  llama_sampler_chain_add(chain, llama_sampler_init_dist(seed));
  return sampler;
}

Sampler::~Sampler() {
  if (chain_) llama_sampler_free(chain_);
}

void Sampler::AcceptPrompt(const std::vector<Token>& prompt) {
  if (!has_penalties_) return;
  size_t start = prompt.size() > static_cast<size_t>(history_) ? prompt.size() - history_ : 0;
  // Only the penalty sampler keeps history; feeding the chain would also
  // advance a grammar, so accept into the penalties stage alone.
  const int n = llama_sampler_chain_n(chain_);
  for (int i = 0; i < n; ++i) {
    llama_sampler* s = llama_sampler_chain_get(chain_, i);
    if (std::string(llama_sampler_name(s)) == "penalties") {
      for (size_t k = start; k < prompt.size(); ++k) llama_sampler_accept(s, prompt[k]);
    }
  }
}

Token Sampler::Sample(llama_context* ctx, int batch_index) {
  return llama_sampler_sample(chain_, ctx, batch_index);
}

}  // namespace suanli::engine
