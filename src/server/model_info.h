// What /api/show and the capability checks need from a stored model's GGUF
// metadata, read without loading the model: model_info (scalar keys; arrays
// as []), the Jinja chat template, and capabilities. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "store/model_store.h"

namespace suanli::server {

struct ModelFacts {
  nlohmann::json model_info = nlohmann::json::object();
  std::string chat_template;              // GGUF tokenizer.chat_template
  std::vector<std::string> capabilities;  // completion, embedding, tools, thinking, insert
  bool Has(const std::string& capability) const;
};

// Cached per manifest digest and model file.
StatusOr<ModelFacts> ReadModelFacts(const store::ModelRecord& record);

}  // namespace suanli::server
