// Reads a llama.cpp vocab-only GGUF (models/ggml-vocab-*.gguf) and copies its
// tokenizer.* keys (tokenizer.chat_template included) into another gguf
// context. Failures are Status values with one lower-case sentence.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "ggml-cpp.h"

namespace suanli::tools {

// Metadata of the vocab file at `path` (no tensor data is read).
StatusOr<gguf_context_ptr> LoadVocab(const std::string& path);

// Number of entries in tokenizer.ggml.tokens; 0 when the key is missing.
int64_t VocabSize(const gguf_context* vocab);

// Copies every key starting with "tokenizer." from `src` to `dst`,
// overwriting keys of the same name. Returns the number of keys copied.
StatusOr<int> CopyTokenizerKeys(const gguf_context* src, gguf_context* dst);

}  // namespace suanli::tools
