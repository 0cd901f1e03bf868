#include "cli/client_params.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace suanli::cli {

namespace {

enum class Kind { kInt, kFloat, kBool, kStrings };

struct OptionType {
  std::string_view key;
  Kind kind;
};

constexpr OptionType kOptions[] = {
    {"num_ctx", Kind::kInt},
    {"num_batch", Kind::kInt},
    {"num_gpu", Kind::kInt},
    {"main_gpu", Kind::kInt},
    {"num_thread", Kind::kInt},
    {"num_keep", Kind::kInt},
    {"seed", Kind::kInt},
    {"num_predict", Kind::kInt},
    {"top_k", Kind::kInt},
    {"repeat_last_n", Kind::kInt},
    {"draft_num_predict", Kind::kInt},
    {"top_p", Kind::kFloat},
    {"min_p", Kind::kFloat},
    {"typical_p", Kind::kFloat},
    {"temperature", Kind::kFloat},
    {"repeat_penalty", Kind::kFloat},
    {"presence_penalty", Kind::kFloat},
    {"frequency_penalty", Kind::kFloat},
    {"use_mmap", Kind::kBool},
    {"stop", Kind::kStrings},
};

constexpr std::string_view kDeprecated[] = {"mirostat",         "mirostat_tau", "mirostat_eta", "tfs_z",
                                            "penalize_newline", "low_vram",     "f16_kv",       "logits_all",
                                            "vocab_only",       "use_mlock",    "numa",         "num_gqa"};

bool ParseBool(std::string value, bool* out) {
  for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (value == "1" || value == "t" || value == "true") {
    *out = true;
    return true;
  }
  if (value == "0" || value == "f" || value == "false") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

bool IsDeprecatedOption(const std::string& key) {
  for (auto name : kDeprecated) {
    if (key == name) return true;
  }
  return false;
}

StatusOr<nlohmann::json> ParseOptionValue(const std::string& key, const std::vector<std::string>& values) {
  const OptionType* type = nullptr;
  for (const auto& option : kOptions) {
    if (key == option.key) type = &option;
  }
  if (type == nullptr) return InvalidArgumentError("unknown parameter '" + key + "'");
  if (values.empty()) return InvalidArgumentError("missing value for parameter '" + key + "'");
  const std::string& value = values.front();
  switch (type->kind) {
    case Kind::kInt: {
      char* end = nullptr;
      errno = 0;
      const long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno == ERANGE) {
        return InvalidArgumentError("invalid int value '" + value + "' for parameter '" + key + "'");
      }
      return nlohmann::json(static_cast<int64_t>(n));
    }
    case Kind::kFloat: {
      char* end = nullptr;
      const double f = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !std::isfinite(f)) {
        return InvalidArgumentError("invalid float value '" + value + "' for parameter '" + key + "'");
      }
      return nlohmann::json(f);
    }
    case Kind::kBool: {
      bool b = false;
      if (!ParseBool(value, &b)) {
        return InvalidArgumentError("invalid bool value '" + value + "' for parameter '" + key + "'");
      }
      return nlohmann::json(b);
    }
    case Kind::kStrings:
      return nlohmann::json(values);
  }
  return InternalError("unreachable");
}

}  // namespace suanli::cli
