#include "server/model_info.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "base/gguf_reader.h"
#include "store/prompt_renderer.h"
#include "store/template_capabilities.h"

namespace suanli::server {

using json = nlohmann::json;

bool ModelFacts::Has(const std::string& c) const {
  return std::find(capabilities.begin(), capabilities.end(), c) != capabilities.end();
}

namespace {

StatusOr<ModelFacts> ReadFactsFromFile(const store::ModelRecord& record);

// Facts are read once per manifest (the GGUF header of a real model holds
// hundreds of thousands of token strings; reading it costs tens of ms).
class FactsCache {
 public:
  StatusOr<ModelFacts> Get(const store::ModelRecord& record) {
    const std::string key = record.digest + "|" + record.model_path;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = facts_.find(key); it != facts_.end()) return it->second;
    }
    ASSIGN_OR_RETURN(ModelFacts facts, ReadFactsFromFile(record));
    std::lock_guard<std::mutex> lock(mu_);
    if (facts_.size() >= 64) facts_.clear();
    facts_[key] = facts;
    return facts;
  }

 private:
  std::mutex mu_;
  std::map<std::string, ModelFacts> facts_;  // GUARDED_BY(mu_)
};

}  // namespace

StatusOr<ModelFacts> ReadModelFacts(const store::ModelRecord& record) {
  static FactsCache* cache = new FactsCache();
  return cache->Get(record);
}

namespace {

StatusOr<ModelFacts> ReadFactsFromFile(const store::ModelRecord& record) {
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
  // A Go TEMPLATE decides (as in Ollama); without one, the GGUF's Jinja does.
  store::TemplateCapabilities caps;
  if (!record.template_text.empty()) {
    auto parsed = store::ParseOllamaTemplate(record.template_text);
    if (parsed.ok()) caps = store::GoTemplateCapabilities(*parsed);
  } else {
    caps = store::JinjaTemplateCapabilities(f.chat_template);
  }
  if (caps.tools) f.capabilities.push_back("tools");
  if (caps.insert) f.capabilities.push_back("insert");
  if (caps.thinking) f.capabilities.push_back("thinking");
  return f;
}

}  // namespace

}  // namespace suanli::server
