// What a POST /api/create body asks for, checked before anything is written
// or streamed, so that every client mistake is a 400: the name, the model
// layer (from an existing model or an uploaded GGUF), LoRA adapters that fit
// that model, the text layers, and a quantization the source allows.
// Ollama's legacy form ({"modelfile": "..."}) is converted first. Reads the
// store; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "store/model_store.h"

namespace suanli::server {

struct CreatePlan {
  std::string name;  // as requested
  store::CreateSpec spec;
  std::string quantize;      // "Q4_K_M", ...; empty when the layer is used as it is
  std::string source_level;  // the source's quantization ("F16")
  bool stream = true;
};

// InvalidArgument for a bad body, name, digest, missing blob, adapter that
// is not a LoRA GGUF for the model, unsupported quantization type or source
// ("quantization is only supported for F16, BF16 and F32 models"), template
// that does not parse; NotFound for an unknown `from` model.
StatusOr<CreatePlan> PlanCreate(const nlohmann::json& body, const store::ModelStore& store);

}  // namespace suanli::server
