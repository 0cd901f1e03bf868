// LoRA adapter checks on GGUF metadata: is a file a LoRA adapter
// (general.type "adapter", adapter.type "lora", a float32 alpha), does it
// name the base model's architecture, and do its tensor pairs
// (<base tensor>.lora_a / .lora_b) exist in the base model with shapes that
// fit. These are the conditions llama.cpp's adapter loader enforces, some by
// asserting, so checking them first turns a bad adapter into a clear error.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "base/gguf_reader.h"
#include "base/status.h"

namespace suanli {

// OkStatus when `adapter` is a LoRA adapter for `base`. InvalidArgument
// naming `adapter_name` otherwise: "adapter 'x' is not a LoRA adapter ...",
// "... was made for architecture 'bert', the model is 'qwen2'", "... tensor
// 'blk.0.attn_q.weight' does not exist in the model", "... has the wrong
// shape for the model", "... has no LoRA tensors".
Status CheckLoraAdapter(const GgufFile& adapter, const GgufFile& base, const std::string& adapter_name);

}  // namespace suanli
