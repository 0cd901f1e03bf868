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

// "494.03M", "7.62B": Ollama's human parameter count.
std::string HumanParameterCount(uint64_t n);

}  // namespace suanli::store
