// Quantization of a GGUF model file with llama.cpp (llama_model_quantize),
// as `ollama create --quantize` does. llama.cpp reads every tensor of the
// input, so this runs in a child process (`suanli quantize`), never in the
// server: the input is preflighted first and the output is checked after.
// Thread-safety: one quantization per process at a time (it routes
// llama.cpp's log while it runs).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"

namespace suanli::engine {

// Bytes of the input done so far, of the total.
using QuantizeProgressFn = std::function<void(uint64_t completed, uint64_t total)>;

struct QuantizeOptions {
  std::string input;   // an F16, BF16 or F32 GGUF file
  std::string output;  // written by llama.cpp (the caller makes it durable)
  std::string type;    // "Q4_K_M", "Q4_K_S", "Q8_0", "F16", "BF16" or "F32"
  int threads = 0;     // 0 = all cores
};

// Quantizes options.input into options.output and checks the result (a
// well-formed GGUF of the requested file type). Fails with InvalidArgument
// for an unknown type, an input that fails the GGUF preflight, or one whose
// tensors are not all F16/BF16/F32 ("quantization is only supported for
// F16, BF16 and F32 models"); Internal when llama.cpp fails or the output
// does not check out.
Status QuantizeModel(const QuantizeOptions& options, const QuantizeProgressFn& progress);

}  // namespace suanli::engine
