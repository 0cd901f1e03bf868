// Model details (family, parameter size, quantization, context and embedding
// lengths) read from a GGUF file's metadata without loading it. Thread-safe.
#pragma once

#include <string>

#include "base/status.h"
#include "store/model_store.h"

namespace suanli::store {

// Fails like ReadGguf (NotFound, InvalidArgument for a file that is not a
// well-formed GGUF).
StatusOr<ModelDetails> ReadModelDetails(const std::string& gguf_path);

// The type a create may quantize to, named as Ollama reports it ("Q4_K_M"),
// from a request's value (case-insensitive: "q4_K_M", "Q8_0", "f16").
// InvalidArgument listing the supported types otherwise.
StatusOr<std::string> ParseQuantizationType(const std::string& text);
// True for the file types quantization may start from: F16, BF16 and F32.
bool CanQuantizeFrom(const std::string& quantization_level);

// "494.03M", "7.62B": Ollama's human parameter count.
std::string HumanParameterCount(uint64_t n);

}  // namespace suanli::store
