// A loaded GGUF model: metadata and the tokenizer. Loading runs the GGUF
// preflight first, reports progress and can be cancelled; destruction frees
// every llama.cpp allocation. Thread-safety: a Model is immutable after Load;
// its const methods (tokenizer, metadata) may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/options.h"

struct llama_model;
struct llama_vocab;

namespace suanli::engine {

using Token = int32_t;

struct ModelInfo {
  std::string architecture;    // "qwen2", "bert", ...
  std::string name;            // general.name
  std::string description;     // llama.cpp's "qwen2 1B Q4_0"
  std::string quantization;    // "Q4_0", "F32", ...
  std::string chat_template;   // Jinja source, empty when the model has none
  std::string pooling;         // "mean", "cls", "last", "none" (embeddings)
  uint64_t parameter_count = 0;
  uint64_t size_bytes = 0;     // tensor bytes
  uint32_t context_length = 0;  // training context
  uint32_t embedding_length = 0;
  uint32_t vocab_size = 0;
  bool is_embedding = false;   // non-causal encoder with pooling (BERT-like)
  std::map<std::string, std::string> metadata;  // scalar GGUF key/values
};

// Progress in [0, 1]; return false to cancel the load.
using LoadProgressFn = std::function<bool(float)>;

class Model {
 public:
  // Loads `path`. Fails with NotFound (missing), InvalidArgument (not a GGUF,
  // corrupt, unsupported architecture), ResourceExhausted (not enough
  // memory), Cancelled (progress returned false).
  static StatusOr<std::unique_ptr<Model>> Load(const std::string& path, const LoadOptions& options,
                                              LoadProgressFn progress = nullptr);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelInfo& info() const { return info_; }

  // Tokenizes `text`. add_special adds BOS/EOS as the model asks;
  // parse_special turns control-token strings into control tokens.
  std::vector<Token> Tokenize(const std::string& text, bool add_special, bool parse_special) const;
  // The bytes of one token (may be part of a UTF-8 character).
  std::string TokenPiece(Token token, bool render_special = false) const;
  // Detokenizes a sequence (used for tests and `context` round trips).
  std::string Detokenize(const std::vector<Token>& tokens, bool render_special = false) const;
  bool IsEndOfGeneration(Token token) const;
  // True when `token` is a control or user-defined special token.
  bool IsSpecial(Token token) const;
  int32_t VocabSize() const;

  llama_model* raw() const { return model_; }
  const llama_vocab* vocab() const { return vocab_; }

 private:
  Model() = default;
  llama_model* model_ = nullptr;
  const llama_vocab* vocab_ = nullptr;
  ModelInfo info_;
};

}  // namespace suanli::engine
