// Request and load options with Ollama's names and defaults, and the parser
// that merges an `options` JSON object over them. Value types; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"

namespace suanli::engine {

// Sampling and generation limits (per request).
struct SamplingOptions {
  float temperature = 0.8f;
  int top_k = 40;
  float top_p = 0.9f;
  float min_p = 0.0f;
  float typical_p = 1.0f;
  int repeat_last_n = 64;  // 0 off, -1 = context size
  float repeat_penalty = 1.0f;
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  int64_t seed = -1;     // -1 = random
  int num_predict = -1;  // -1 = until a stop, EOG or the context is full
  int num_keep = 4;
  std::vector<std::string> stop;
};

// Options that fix how a model is loaded; changing them needs a reload.
struct LoadOptions {
  int num_ctx = 4096;
  int num_batch = 512;
  int num_gpu = -1;    // -1 = all layers that fit, 0 = CPU only
  int num_thread = 0;  // 0 = automatic
  bool use_mmap = true;

  bool operator==(const LoadOptions&) const = default;
};

struct ModelOptions {
  LoadOptions load;
  SamplingOptions sampling;
};

// Merges `options` (a JSON object) over `out`. Unknown keys and keys that
// Ollama deprecated are appended to `ignored` and otherwise skipped.
// Fails with InvalidArgument when `options` is not an object or a value has
// the wrong type (`option "top_k" must be of type integer`) or is out of range.
Status ApplyOptions(const nlohmann::json& options, ModelOptions* out,
                    std::vector<std::string>* ignored);

}  // namespace suanli::engine
