#include "engine/lora_adapters.h"

#include "base/gguf_lora.h"
#include "base/gguf_reader.h"
#include "engine/gguf_preflight.h"
#include "engine/llama_backend.h"
#include "llama.h"

namespace suanli::engine {

namespace {
std::string BaseName(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }
}  // namespace

StatusOr<std::unique_ptr<LoraAdapters>> LoraAdapters::Load(const Model& model, const std::string& model_path,
                                                           const std::vector<std::string>& paths) {
  auto out = std::unique_ptr<LoraAdapters>(new LoraAdapters());
  if (paths.empty()) return out;
  EnsureLlamaBackend();
  if (model.info().is_embedding)
    return InvalidArgumentError("LoRA adapters are only supported for text generation models");
  ASSIGN_OR_RETURN(GgufFile base, ReadGguf(model_path));  // the tensor table to check each adapter against
  for (const auto& path : paths) {
    const std::string name = BaseName(path);
    RETURN_IF_ERROR(PreflightGguf(path).status());
    ASSIGN_OR_RETURN(GgufFile file, ReadGguf(path));
    RETURN_IF_ERROR(CheckLoraAdapter(file, base, name));
    TakeFirstLlamaError();
    llama_adapter_lora* adapter = llama_adapter_lora_init(model.raw(), path.c_str());
    if (adapter == nullptr) {
      std::string why = TakeFirstLlamaError();
      if (auto colon = why.rfind(": "); colon != std::string::npos) why = why.substr(colon + 2);
      if (why.find('/') != std::string::npos || why.empty()) why = "llama.cpp could not load it";
      return InvalidArgumentError("adapter '" + name + "' failed to load: " + why);
    }
    out->adapters_.push_back(adapter);
  }
  return out;
}

LoraAdapters::~LoraAdapters() {
  for (auto* a : adapters_) llama_adapter_lora_free(a);
}

Status LoraAdapters::Apply(llama_context* ctx) const {
  if (adapters_.empty()) return OkStatus();
  std::vector<llama_adapter_lora*> list = adapters_;
  std::vector<float> scales(list.size(), 1.0f);
  if (llama_set_adapters_lora(ctx, list.data(), list.size(), scales.data()) != 0) {
    return InternalError("the LoRA adapters could not be applied to the model");
  }
  return OkStatus();
}

}  // namespace suanli::engine
