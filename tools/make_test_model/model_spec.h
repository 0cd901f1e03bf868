// Plain description of a random-weight GGUF model: metadata entries, tensor
// shapes/types and how each tensor is initialised. Built by presets.cc and
// consumed by gguf_writer.cc; no I/O and no llama.cpp calls here.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "ggml.h"

namespace suanli::tools {

// One GGUF key/value pair written in addition to the copied tokenizer keys.
struct MetaEntry {
  std::string key;
  std::variant<uint32_t, float, bool, std::string> value;
};

// How a tensor's values are produced before conversion to its type.
enum class TensorInit {
  kOnes,    // norm weights
  kZeros,   // biases
  kNormal,  // N(0, 0.02) from the seeded PRNG
};

struct TensorSpec {
  std::string name;
  int64_t ne0 = 1;  // elements per row (ggml order: [in, out])
  int64_t ne1 = 1;  // rows; 1 for 1-D tensors
  int n_dims = 1;
  ggml_type type = GGML_TYPE_F32;
  TensorInit init = TensorInit::kNormal;
};

struct ModelSpec {
  std::string preset;
  std::string arch;        // general.architecture
  std::string vocab_file;  // file name inside the vocab directory
  std::string summary;     // short human description of the hparams
  std::vector<MetaEntry> metadata;
  std::vector<TensorSpec> tensors;
};

// Total number of elements over all tensors.
int64_t ParameterCount(const ModelSpec& spec);

}  // namespace suanli::tools
