#include "server/model_info.h"

#include <algorithm>

#include "base/gguf_reader.h"

namespace suanli::server {

using json = nlohmann::json;

bool ModelFacts::Has(const std::string& c) const {
  return std::find(capabilities.begin(), capabilities.end(), c) != capabilities.end();
}

StatusOr<ModelFacts> ReadModelFacts(const store::ModelRecord& record) {
  auto file = ReadGguf(record.model_path);
  if (!file.ok()) return InternalError("model '" + record.name.Display() + "' is unreadable: " + file.status().message());
  ModelFacts f;
  for (const auto& [key, value] : file->kv) {
    if (key == "general.name" || key == "tokenizer.chat_template") continue;
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, GgufArrayInfo>) {
            f.model_info[key] = json::array();  // arrays are left out unless verbose, as Ollama does
          } else {
            f.model_info[key] = v;
          }
        },
        value);
  }
  f.chat_template = file->String("tokenizer.chat_template");
  const std::string arch = file->String("general.architecture");
  const bool embedding = file->kv.count(arch + ".pooling_type") > 0 ||
                         (file->kv.count(arch + ".attention.causal") &&
                          std::holds_alternative<bool>(file->kv.at(arch + ".attention.causal")) &&
                          !std::get<bool>(file->kv.at(arch + ".attention.causal")));
  if (embedding) {
    f.capabilities = {"embedding"};
    return f;
  }
  f.capabilities = {"completion"};
  const std::string& t = record.template_text.empty() ? f.chat_template : record.template_text;
  if (t.find("tools") != std::string::npos || t.find(".Tools") != std::string::npos) f.capabilities.push_back("tools");
  if (t.find("<think>") != std::string::npos || t.find("enable_thinking") != std::string::npos ||
      t.find(".Think") != std::string::npos) {
    f.capabilities.push_back("thinking");
  }
  if (t.find(".Suffix") != std::string::npos) f.capabilities.push_back("insert");
  return f;
}

}  // namespace suanli::server
