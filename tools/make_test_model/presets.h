// The table of model presets make_test_model can write. A preset names its
// vocabulary file and turns (vocab size, options) into a ModelSpec; it does
// no I/O. Unknown names and invalid option combinations are Status errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "model_spec.h"

namespace suanli::tools {

enum class Pooling { kDefault, kMean, kCls };

// Weight types a tiny decoder preset may be written with (--type).
enum class WeightType { kDefault, kF32, kF16, kQ8_0 };

struct PresetOptions {
  Pooling pooling = Pooling::kDefault;  // only meaningful for embedding presets
  WeightType type = WeightType::kDefault;  // tiny-chat only
};

struct PresetInfo {
  std::string name;
  std::string vocab_file;   // e.g. "ggml-vocab-qwen2.gguf"; empty: no tokenizer (adapters)
  std::string description;  // one line for --help
  bool has_pooling = false;  // accepts --pooling
  bool has_type = false;     // accepts --type
};

// All presets, in --help order.
const std::vector<PresetInfo>& AllPresets();

// The preset called `name`, or kNotFound listing the known names.
StatusOr<PresetInfo> FindPreset(const std::string& name);

// Builds the spec for `preset` given the vocabulary size read from its vocab
// file. kInvalidArgument when options do not apply to the preset.
StatusOr<ModelSpec> BuildModelSpec(const PresetInfo& preset, int64_t n_vocab,
                                   const PresetOptions& options);

}  // namespace suanli::tools
