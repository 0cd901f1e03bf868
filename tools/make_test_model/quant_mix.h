// Chooses the ggml type of each weight matrix for a quantisation scheme,
// following llama.cpp's llama-quant.cpp rules (Q4_K_M mix, tied embeddings)
// and falling back like llama.cpp when a row length does not fit the block.
#pragma once

#include <cstdint>

#include "ggml.h"

namespace suanli::tools {

enum class QuantScheme { kF32, kF16, kQ4_0, kQ8_0, kQ4_K_M };

// What a 2-D weight is used for; decides the Q4_K_M exceptions.
enum class WeightRole {
  kTokenEmbd,  // tied with the output projection
  kAttnQ,
  kAttnK,
  kAttnV,
  kAttnOutput,
  kFfnGate,
  kFfnUp,
  kFfnDown,
};

// general.file_type (llama_ftype) written for a scheme.
uint32_t FileType(QuantScheme scheme);

// Type for a 2-D weight with rows of `ne0` elements in layer `layer` of
// `n_layer` (layer is ignored for kTokenEmbd). Always returns a type whose
// block size divides ne0 (F16 as the last resort, as llama.cpp does).
ggml_type ChooseWeightType(QuantScheme scheme, WeightRole role, int layer,
                           int n_layer, int64_t ne0);

}  // namespace suanli::tools
