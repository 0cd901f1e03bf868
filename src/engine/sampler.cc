#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "llama.h"

namespace suanli::engine {

namespace {

// The grammar sampler for `g`, advanced past its prefill tokens; null with
// `error` set when it cannot be built.
llama_sampler* MakeGrammar(const Model& model, const GrammarSpec& g, std::string* error) {
  llama_sampler* s = nullptr;
  if (g.lazy) {
    std::vector<const char*> patterns;
    for (const auto& p : g.trigger_patterns) patterns.push_back(p.c_str());
    s = llama_sampler_init_grammar_lazy_patterns(model.vocab(), g.gbnf.c_str(), "root", patterns.data(),
                                                 patterns.size(), g.trigger_tokens.data(), g.trigger_tokens.size());
  } else {
    s = llama_sampler_init_grammar(model.vocab(), g.gbnf.c_str(), "root");
  }
  if (s == nullptr) {
    *error = "the grammar for this request does not parse";
    return nullptr;
  }
  try {
    for (Token t : g.prefill) llama_sampler_accept(s, t);
  } catch (const std::exception& e) {
    llama_sampler_free(s);
    *error = std::string("the grammar rejects the start of the answer: ") + e.what();
    return nullptr;
  }
  return s;
}

}  // namespace

Status CheckGrammar(const Model& model, const GrammarSpec& grammar) {
  if (grammar.gbnf.empty()) return OkStatus();
  std::string error;
  llama_sampler* s = MakeGrammar(model, grammar, &error);
  if (s == nullptr) return InvalidArgumentError(error);
  llama_sampler_free(s);
  return OkStatus();
}

StatusOr<std::unique_ptr<Sampler>> Sampler::Create(const Model& model, const SamplingOptions& o,
                                                   int context_size, const GrammarSpec& grammar) {
  auto sampler = std::unique_ptr<Sampler>(new Sampler());
  llama_sampler_chain_params cp = llama_sampler_chain_default_params();
  cp.no_perf = true;
  llama_sampler* chain = llama_sampler_chain_init(cp);
  sampler->chain_ = chain;
  sampler->n_vocab_ = model.VocabSize();
  if (!grammar.gbnf.empty()) {
    std::string error;
    sampler->grammar_ = MakeGrammar(model, grammar, &error);
    if (sampler->grammar_ == nullptr) return InvalidArgumentError(error);
  }

  const int history = o.repeat_last_n < 0 ? context_size : o.repeat_last_n;
  const float repeat = o.repeat_penalty > 0.0f ? o.repeat_penalty : 1.0f;  // <= 0 means off
  if (history > 0 && (repeat != 1.0f || o.frequency_penalty != 0.0f || o.presence_penalty != 0.0f)) {
    sampler->history_ = history;
    sampler->penalties_ =
        llama_sampler_init_penalties(model.VocabSize(), history, repeat, o.frequency_penalty, o.presence_penalty);
  }
  if (o.temperature <= 0.0f) {
    llama_sampler_chain_add(chain, llama_sampler_init_greedy());
    sampler->top_k_ = 1;
    return sampler;
  }
  if (o.top_k > 0) llama_sampler_chain_add(chain, llama_sampler_init_top_k(o.top_k));
  sampler->top_k_ = o.top_k > 0 ? o.top_k : 0;
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
  if (penalties_) llama_sampler_free(penalties_);
  if (grammar_) llama_sampler_free(grammar_);
}

void Sampler::AcceptPrompt(const std::vector<Token>& prompt) {
  if (penalties_ == nullptr) return;
  size_t start = prompt.size() > static_cast<size_t>(history_) ? prompt.size() - history_ : 0;
  for (size_t k = start; k < prompt.size(); ++k) llama_sampler_accept(penalties_, prompt[k]);
}

bool Sampler::Allowed(const llama_token_data& candidate) {
  llama_token_data single = candidate;
  llama_token_data_array one{&single, 1, -1, false};
  llama_sampler_apply(grammar_, &one);
  return !std::isinf(single.logit);
}

// The grammar rejected the freely sampled token. Sampling with the grammar
// first means: restrict to the allowed tokens, then top-k and the rest of the
// chain. The top-k of the allowed tokens are among the best candidates, so
// the grammar checks growing blocks of them (each block's logits above the
// rest's) until k are allowed; the chain then picks from those (checking all
// of a large vocabulary against the grammar is slow).
Token Sampler::SampleAllowed() {
  work_ = base_;
  auto higher = [](const llama_token_data& a, const llama_token_data& b) { return a.logit > b.logit; };
  const size_t n = work_.size();
  const size_t want = top_k_ > 0 ? static_cast<size_t>(top_k_) : n;
  allowed_.clear();
  if (want < n / 4) {
    size_t begin = 0, block = 512;
    while (allowed_.size() < want && begin < n) {
      const size_t end = std::min(n, begin + block);
      if (end < n) std::nth_element(work_.begin() + begin, work_.begin() + end, work_.end(), higher);
      scratch_.assign(work_.begin() + begin, work_.begin() + end);
      llama_token_data_array checked{scratch_.data(), scratch_.size(), -1, false};
      llama_sampler_apply(grammar_, &checked);  // rejected tokens get -inf
      for (size_t i = 0; i < checked.size; ++i) {
        if (!std::isinf(checked.data[i].logit)) allowed_.push_back(checked.data[i]);
      }
      begin = end;
      block *= 4;
    }
  }
  if (allowed_.empty()) {  // top-k off, or nothing allowed: the whole vocabulary
    llama_token_data_array all{work_.data(), work_.size(), -1, false};
    llama_sampler_apply(grammar_, &all);
    llama_sampler_apply(chain_, &all);
    return all.data[all.selected].id;
  }
  llama_token_data_array some{allowed_.data(), allowed_.size(), -1, false};
  llama_sampler_apply(chain_, &some);
  return some.data[some.selected].id;
}

// With a grammar, as common_sampler_sample does: sample freely, and only when
// the grammar rejects that token sample again among the allowed ones.
Token Sampler::Sample(llama_context* ctx, int batch_index) {
  const float* logits = llama_get_logits_ith(ctx, batch_index);
  base_.resize(n_vocab_);
  for (int32_t i = 0; i < n_vocab_; ++i) base_[i] = llama_token_data{i, logits[i], 0.0f};
  llama_token_data_array base{base_.data(), base_.size(), -1, false};
  if (penalties_) llama_sampler_apply(penalties_, &base);
  Token token;
  if (grammar_ == nullptr) {
    llama_sampler_apply(chain_, &base);
    token = base.data[base.selected].id;
  } else {
    work_ = base_;
    llama_token_data_array free{work_.data(), work_.size(), -1, false};
    llama_sampler_apply(chain_, &free);
    token = free.data[free.selected].id;
    if (!Allowed(llama_token_data{token, logits[token], 0.0f})) token = SampleAllowed();
    llama_sampler_accept(grammar_, token);
  }
  if (penalties_) llama_sampler_accept(penalties_, token);
  llama_sampler_accept(chain_, token);
  return token;
}

}  // namespace suanli::engine
