// LoRA adapters (GGUF, general.type "adapter") loaded for a model and applied
// to its contexts with scale 1, as Ollama's ADAPTER does. Each file is
// preflighted and checked against the model (architecture, tensor names and
// shapes) before llama.cpp reads it, so a bad adapter is a clear error.
// Thread-safety: immutable after Load; Apply must be called on the thread
// that owns the context.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/model.h"

struct llama_adapter_lora;
struct llama_context;

namespace suanli::engine {

class LoraAdapters {
 public:
  // Loads `paths` for `model`, loaded from `model_path` (the model must
  // outlive this object). Fails with
  // NotFound (missing file) or InvalidArgument ("adapter 'x' is not a LoRA
  // adapter ...", wrong architecture, tensors missing from the model or of
  // the wrong shape, a corrupt file).
  static StatusOr<std::unique_ptr<LoraAdapters>> Load(const Model& model, const std::string& model_path,
                                                      const std::vector<std::string>& paths);
  ~LoraAdapters();
  LoraAdapters(const LoraAdapters&) = delete;
  LoraAdapters& operator=(const LoraAdapters&) = delete;

  size_t size() const { return adapters_.size(); }
  // Sets these adapters (scale 1) on `ctx`. Internal when llama.cpp refuses.
  Status Apply(llama_context* ctx) const;

 private:
  LoraAdapters() = default;
  std::vector<llama_adapter_lora*> adapters_;
};

}  // namespace suanli::engine
