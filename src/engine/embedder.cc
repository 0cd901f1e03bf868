#include "engine/embedder.h"

#include <cmath>
#include <thread>

#include "engine/llama_backend.h"
#include "llama.h"

namespace suanli::engine {

bool NormalizeL2(std::vector<float>* v) {
  double sum = 0;
  for (float x : *v) {
    if (!std::isfinite(x)) return false;
    sum += static_cast<double>(x) * x;
  }
  if (sum <= 0) return false;
  const float inv = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& x : *v) x *= inv;
  return true;
}

StatusOr<std::unique_ptr<Embedder>> Embedder::Create(const Model& model, const EmbedderOptions& options) {
  EnsureLlamaBackend();
  if (!model.info().is_embedding) return InvalidArgumentError("this model does not support embeddings");
  auto e = std::unique_ptr<Embedder>(new Embedder(model));
  int per_seq = std::max(options.num_ctx, 8);
  if (model.info().context_length > 0) per_seq = std::min<int>(per_seq, model.info().context_length);
  int seqs = 1;
  while (seqs * 2 <= std::max(1, options.max_sequences)) seqs *= 2;  // power of two (pooling needs it)
  const int threads = options.num_thread > 0 ? options.num_thread : std::max(1u, std::thread::hardware_concurrency());

  llama_context_params cp = llama_context_default_params();
  cp.embeddings = true;
  cp.n_seq_max = seqs;
  cp.n_ctx = static_cast<uint32_t>(per_seq) * seqs;
  cp.n_batch = cp.n_ctx;
  cp.n_ubatch = cp.n_ctx;  // pooled models need every sequence in one ubatch
  cp.n_threads = threads;
  cp.n_threads_batch = threads;
  cp.no_perf = true;
  TakeFirstLlamaError();
  e->ctx_ = llama_init_from_model(model.raw(), cp);
  if (!e->ctx_) return ResourceExhaustedError("could not create an embedding context: " + TakeFirstLlamaError());
  e->n_seq_max_ = seqs;
  e->n_batch_ = static_cast<int>(llama_n_batch(e->ctx_));
  e->n_ctx_seq_ = std::min<int>(per_seq, static_cast<int>(llama_n_ctx_seq(e->ctx_)));
  e->n_embd_ = llama_model_n_embd_out(model.raw());
  return e;
}

Embedder::~Embedder() {
  if (ctx_) llama_free(ctx_);
}

Status Embedder::DecodeGroup(const std::vector<std::vector<Token>>& group, std::vector<std::vector<float>>* out) {
  size_t total = 0;
  for (const auto& g : group) total += g.size();
  llama_batch batch = llama_batch_init(static_cast<int32_t>(total), 0, 1);
  for (size_t s = 0; s < group.size(); ++s) {
    for (size_t p = 0; p < group[s].size(); ++p) {
      const int i = batch.n_tokens++;
      batch.token[i] = group[s][p];
      batch.pos[i] = static_cast<llama_pos>(p);
      batch.n_seq_id[i] = 1;
      batch.seq_id[i][0] = static_cast<llama_seq_id>(s);
      batch.logits[i] = 1;  // pooled embeddings need every token as output
    }
  }
  if (llama_memory_t mem = llama_get_memory(ctx_)) llama_memory_clear(mem, true);
  const int rc = llama_decode(ctx_, batch);
  llama_batch_free(batch);
  if (rc != 0) return InternalError("the embedding model failed to evaluate the input (code " + std::to_string(rc) + ")");
  for (size_t s = 0; s < group.size(); ++s) {
    const float* v = llama_get_embeddings_seq(ctx_, static_cast<llama_seq_id>(s));
    if (v == nullptr) return InternalError("the model returned no pooled embedding");
    std::vector<float> vec(v, v + n_embd_);
    if (!NormalizeL2(&vec)) return InternalError("the model produced an invalid embedding (NaN, infinity or zero)");
    out->push_back(std::move(vec));
  }
  return OkStatus();
}

StatusOr<EmbedResult> Embedder::Embed(const std::vector<std::string>& inputs, bool truncate) {
  EmbedResult result;
  std::vector<std::vector<Token>> tokenized;
  tokenized.reserve(inputs.size());
  for (const auto& text : inputs) {
    auto tokens = model_.Tokenize(text, /*add_special=*/true, /*parse_special=*/false);
    if (static_cast<int>(tokens.size()) > n_ctx_seq_) {
      if (!truncate) return InvalidArgumentError("the input length exceeds the context length");
      const Token last = tokens.back();
      tokens.resize(n_ctx_seq_);
      if (model_.IsSpecial(last)) tokens.back() = last;  // keep a closing [SEP]/EOS
    }
    if (tokens.empty()) return InvalidArgumentError("an input produced no tokens");
    result.prompt_tokens += static_cast<int64_t>(tokens.size());
    tokenized.push_back(std::move(tokens));
  }

  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::vector<Token>> group;
  size_t group_tokens = 0;
  for (auto& tokens : tokenized) {
    if (!group.empty() && (static_cast<int>(group.size()) == n_seq_max_ ||
                           group_tokens + tokens.size() > static_cast<size_t>(n_batch_))) {
      RETURN_IF_ERROR(DecodeGroup(group, &result.embeddings));
      group.clear();
      group_tokens = 0;
    }
    group_tokens += tokens.size();
    group.push_back(std::move(tokens));
  }
  if (!group.empty()) RETURN_IF_ERROR(DecodeGroup(group, &result.embeddings));
  return result;
}

}  // namespace suanli::engine
