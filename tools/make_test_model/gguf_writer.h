// Writes a ModelSpec as a GGUF file: tokenizer.* keys copied from a vocab
// file, the spec's metadata, then each tensor generated and appended one at a
// time (padded to the GGUF alignment). The output appears atomically.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "gguf.h"
#include "model_spec.h"

namespace suanli::tools {

struct WriteStats {
  uint64_t file_bytes = 0;
  int64_t n_params = 0;
  int n_tensors = 0;
  int n_tokenizer_keys = 0;
};

struct WriteOptions {
  uint64_t seed = 42;
  int n_threads = 1;
};

// Writes `spec` to `out_path` (`vocab` may be null: no tokenizer keys); on
// error nothing is left at `out_path`
// (an existing file there is untouched).
StatusOr<WriteStats> WriteModel(const ModelSpec& spec, const gguf_context* vocab,
                                const std::string& out_path,
                                const WriteOptions& options);

}  // namespace suanli::tools
