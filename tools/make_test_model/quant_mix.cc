#include "quant_mix.h"

namespace suanli::tools {
namespace {

// llama.cpp's use_more_bits(): the first and last eighth of the layers plus
// every third layer in between get more bits.
bool UseMoreBits(int layer, int n_layer) {
  return layer < n_layer / 8 || layer >= 7 * n_layer / 8 ||
         (layer - n_layer / 8) % 3 == 2;
}

// llama.cpp's tensor_type_fallback() for types whose block does not divide
// the row length.
ggml_type Fallback(ggml_type type, int64_t ne0) {
  if (ne0 % ggml_blck_size(type) == 0) return type;
  ggml_type fallback = GGML_TYPE_F16;
  switch (type) {
    case GGML_TYPE_Q4_K: fallback = GGML_TYPE_Q5_0; break;
    case GGML_TYPE_Q5_K: fallback = GGML_TYPE_Q5_1; break;
    case GGML_TYPE_Q6_K: fallback = GGML_TYPE_Q8_0; break;
    case GGML_TYPE_Q2_K:
    case GGML_TYPE_Q3_K: fallback = GGML_TYPE_Q4_0; break;
    default: break;
  }
  if (ne0 % ggml_blck_size(fallback) != 0) return GGML_TYPE_F16;
  return fallback;
}

ggml_type Q4KMType(WeightRole role, int layer, int n_layer) {
  switch (role) {
    case WeightRole::kTokenEmbd:
      return GGML_TYPE_Q6_K;  // tied: quantised like the output tensor
    case WeightRole::kAttnV:
    case WeightRole::kFfnDown:
      return UseMoreBits(layer, n_layer) ? GGML_TYPE_Q6_K : GGML_TYPE_Q4_K;
    default:
      return GGML_TYPE_Q4_K;
  }
}

}  // namespace

uint32_t FileType(QuantScheme scheme) {
  switch (scheme) {
    case QuantScheme::kF32: return 0;      // LLAMA_FTYPE_ALL_F32
    case QuantScheme::kF16: return 1;      // LLAMA_FTYPE_MOSTLY_F16
    case QuantScheme::kQ4_0: return 2;     // LLAMA_FTYPE_MOSTLY_Q4_0
    case QuantScheme::kQ8_0: return 7;     // LLAMA_FTYPE_MOSTLY_Q8_0
    case QuantScheme::kQ4_K_M: return 15;  // LLAMA_FTYPE_MOSTLY_Q4_K_M
  }
  return 0;
}

ggml_type ChooseWeightType(QuantScheme scheme, WeightRole role, int layer,
                           int n_layer, int64_t ne0) {
  ggml_type type = GGML_TYPE_F32;
  switch (scheme) {
    case QuantScheme::kF32: type = GGML_TYPE_F32; break;
    case QuantScheme::kF16: type = GGML_TYPE_F16; break;
    case QuantScheme::kQ4_0: type = GGML_TYPE_Q4_0; break;
    case QuantScheme::kQ8_0: type = GGML_TYPE_Q8_0; break;
    case QuantScheme::kQ4_K_M: type = Q4KMType(role, layer, n_layer); break;
  }
  return Fallback(type, ne0);
}

}  // namespace suanli::tools
