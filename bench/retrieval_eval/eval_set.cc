#include "eval_set.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace suanli::bench {

StatusOr<EvalSet> LoadSquadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return NotFoundError("cannot read " + path);
  std::stringstream contents;
  contents << file.rdbuf();
  const nlohmann::json data = nlohmann::json::parse(contents.str(), nullptr, false);
  if (data.is_discarded() || !data.is_object() || !data.contains("data") || !data["data"].is_array()) {
    return InvalidArgumentError(path + " is not a SQuAD-format JSON file");
  }
  EvalSet set;
  set.name = std::filesystem::path(path).stem().string();
  try {
    for (const auto& article : data["data"]) {
      for (const auto& paragraph : article.at("paragraphs")) {
        set.passages.push_back(paragraph.at("context").get<std::string>());
        for (const auto& qa : paragraph.at("qas")) {
          if (qa.value("is_impossible", false)) continue;
          set.questions.push_back({qa.at("question").get<std::string>(), set.passages.size() - 1});
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(path + " is not a SQuAD-format JSON file: " + e.what());
  }
  return set;
}

}  // namespace suanli::bench
