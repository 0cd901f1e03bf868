#include "engine/model.h"

#include <algorithm>
#include <cstring>

#include "engine/gguf_preflight.h"
#include "engine/llama_backend.h"
#include "llama.h"

namespace suanli::engine {

namespace {

std::string MetaString(const llama_model* model, const char* key) {
  std::vector<char> buf(256);
  int32_t n = llama_model_meta_val_str(model, key, buf.data(), buf.size());
  if (n < 0) return "";
  if (static_cast<size_t>(n) >= buf.size()) {
    buf.resize(n + 1);
    n = llama_model_meta_val_str(model, key, buf.data(), buf.size());
  }
  return std::string(buf.data(), std::max<int32_t>(n, 0));
}

// Turns llama.cpp's last logged error into a Status for a failed load.
Status LoadFailure(const std::string& name, const std::string& architecture) {
  std::string err = TakeFirstLlamaError();
  if (err.find("unknown model architecture") != std::string::npos) {
    return InvalidArgumentError("model '" + name + "' has an unsupported architecture '" + architecture + "'");
  }
  if (err.find("alloc") != std::string::npos || err.find("out of memory") != std::string::npos) {
    return ResourceExhaustedError("not enough memory to load model '" + name + "'");
  }
  // Strip paths from llama.cpp's wording; keep the reason.
  auto colon = err.rfind(": ");
  std::string reason = colon == std::string::npos ? err : err.substr(colon + 2);
  if (reason.find('/') != std::string::npos || reason.empty()) reason = "llama.cpp could not load it";
  return InvalidArgumentError("model '" + name + "' failed to load: " + reason);
}

const char* PoolingName(int pooling) {
  switch (pooling) {
    case LLAMA_POOLING_TYPE_MEAN: return "mean";
    case LLAMA_POOLING_TYPE_CLS: return "cls";
    case LLAMA_POOLING_TYPE_LAST: return "last";
    case LLAMA_POOLING_TYPE_RANK: return "rank";
    default: return "none";
  }
}

}  // namespace

StatusOr<std::unique_ptr<Model>> Model::Load(const std::string& path, const LoadOptions& options,
                                            LoadProgressFn progress) {
  ASSIGN_OR_RETURN(GgufSummary summary, PreflightGguf(path));
  EnsureLlamaBackend();
  const std::string name = path.substr(path.find_last_of('/') + 1);

  llama_model_params params = llama_model_default_params();
  params.n_gpu_layers = options.num_gpu;
  params.load_mode = options.use_mmap ? LLAMA_LOAD_MODE_AUTO : LLAMA_LOAD_MODE_NONE;
  bool cancelled = false;
  struct ProgressState {
    LoadProgressFn* fn;
    bool* cancelled;
  } state{&progress, &cancelled};
  params.progress_callback = [](float p, void* ud) {
    auto* s = static_cast<ProgressState*>(ud);
    if (*s->fn && !(*s->fn)(p)) {
      *s->cancelled = true;
      return false;
    }
    return true;
  };
  params.progress_callback_user_data = &state;

  TakeFirstLlamaError();
  llama_model* raw = llama_model_load_from_file(path.c_str(), params);
  if (raw == nullptr) {
    if (cancelled) return CancelledError("loading model '" + name + "' was cancelled");
    return LoadFailure(name, summary.architecture);
  }

  auto model = std::unique_ptr<Model>(new Model());
  model->model_ = raw;
  model->vocab_ = llama_model_get_vocab(raw);

  ModelInfo& info = model->info_;
  info.architecture = MetaString(raw, "general.architecture");
  info.name = MetaString(raw, "general.name");
  char desc[256] = {0};
  llama_model_desc(raw, desc, sizeof(desc));
  info.description = desc;
  info.quantization = llama_ftype_name(llama_model_ftype(raw));
  if (auto* tmpl = llama_model_chat_template(raw, nullptr)) info.chat_template = tmpl;
  info.parameter_count = llama_model_n_params(raw);
  info.size_bytes = llama_model_size(raw);
  info.context_length = static_cast<uint32_t>(llama_model_n_ctx_train(raw));
  info.embedding_length = static_cast<uint32_t>(llama_model_n_embd_out(raw));
  info.vocab_size = static_cast<uint32_t>(llama_vocab_n_tokens(model->vocab_));
  const std::string causal = MetaString(raw, (info.architecture + ".attention.causal").c_str());
  const std::string pooling = MetaString(raw, (info.architecture + ".pooling_type").c_str());
  int pooling_type = pooling.empty() ? LLAMA_POOLING_TYPE_NONE : std::atoi(pooling.c_str());
  info.is_embedding = causal == "false" || !llama_model_has_decoder(raw) ||
                      (pooling_type != LLAMA_POOLING_TYPE_NONE && !pooling.empty());
  if (info.is_embedding && pooling_type == LLAMA_POOLING_TYPE_NONE) pooling_type = LLAMA_POOLING_TYPE_MEAN;
  info.pooling = info.is_embedding ? PoolingName(pooling_type) : "none";

  const int32_t n_meta = llama_model_meta_count(raw);
  for (int32_t i = 0; i < n_meta; ++i) {
    char key[256];
    if (llama_model_meta_key_by_index(raw, i, key, sizeof(key)) < 0) continue;
    if (std::strncmp(key, "tokenizer.", 10) == 0) continue;  // large; not metadata users want
    std::vector<char> val(512);
    int32_t n = llama_model_meta_val_str_by_index(raw, i, val.data(), val.size());
    if (n < 0) continue;
    if (static_cast<size_t>(n) >= val.size()) {
      val.resize(n + 1);
      n = llama_model_meta_val_str_by_index(raw, i, val.data(), val.size());
    }
    info.metadata[key] = std::string(val.data(), std::max<int32_t>(n, 0));
  }
  return model;
}

Model::~Model() {
  if (model_) llama_model_free(model_);
}

std::vector<Token> Model::Tokenize(const std::string& text, bool add_special, bool parse_special) const {
  std::vector<Token> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                             static_cast<int32_t>(tokens.size()), add_special, parse_special);
  if (n < 0 && n != INT32_MIN) {
    tokens.resize(-n);
    n = llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                       static_cast<int32_t>(tokens.size()), add_special, parse_special);
  }
  tokens.resize(std::max<int32_t>(n, 0));
  return tokens;
}

std::string Model::TokenPiece(Token token, bool render_special) const {
  char buf[128];
  int32_t n = llama_token_to_piece(vocab_, token, buf, sizeof(buf), 0, render_special);
  if (n >= 0) return std::string(buf, n);
  std::string big(-n, '\0');
  n = llama_token_to_piece(vocab_, token, big.data(), static_cast<int32_t>(big.size()), 0, render_special);
  big.resize(std::max<int32_t>(n, 0));
  return big;
}

std::string Model::Detokenize(const std::vector<Token>& tokens, bool render_special) const {
  std::string out;
  for (Token t : tokens) out += TokenPiece(t, render_special);
  return out;
}

bool Model::IsEndOfGeneration(Token token) const { return llama_vocab_is_eog(vocab_, token); }

bool Model::IsSpecial(Token token) const {
  auto attr = llama_vocab_get_attr(vocab_, token);
  return (attr & (LLAMA_TOKEN_ATTR_CONTROL | LLAMA_TOKEN_ATTR_USER_DEFINED)) != 0;
}

int32_t Model::VocabSize() const { return llama_vocab_n_tokens(vocab_); }

}  // namespace suanli::engine
