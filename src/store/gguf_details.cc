#include "store/gguf_details.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/gguf_reader.h"

namespace suanli::store {

namespace {
// llama_ftype values (general.file_type) to Ollama's quantization names.
std::string FileTypeName(uint64_t ftype) {
  switch (ftype) {
    case 0: return "F32";
    case 1: return "F16";
    case 2: return "Q4_0";
    case 3: return "Q4_1";
    case 7: return "Q8_0";
    case 8: return "Q5_0";
    case 9: return "Q5_1";
    case 10: return "Q2_K";
    case 11: return "Q3_K_S";
    case 12: return "Q3_K_M";
    case 13: return "Q3_K_L";
    case 14: return "Q4_K_S";
    case 15: return "Q4_K_M";
    case 16: return "Q5_K_S";
    case 17: return "Q5_K_M";
    case 18: return "Q6_K";
    case 32: return "BF16";
    default: return "unknown";
  }
}
}  // namespace

StatusOr<std::string> ParseQuantizationType(const std::string& text) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const char* type : {"Q4_K_M", "Q4_K_S", "Q8_0", "F16", "BF16", "F32"}) {
    if (upper == type) return std::string(type);
  }
  return InvalidArgumentError("unsupported quantization type '" + text +
                              "'; supported types are q4_K_M, q4_K_S, q8_0, f16, bf16 and f32");
}

bool CanQuantizeFrom(const std::string& level) { return level == "F16" || level == "BF16" || level == "F32"; }

std::string HumanParameterCount(uint64_t n) {
  char buf[32];
  if (n >= 1000000000ULL) std::snprintf(buf, sizeof(buf), "%.2fB", n / 1e9);
  else if (n >= 1000000ULL) std::snprintf(buf, sizeof(buf), "%.2fM", n / 1e6);
  else if (n >= 1000ULL) std::snprintf(buf, sizeof(buf), "%.2fK", n / 1e3);
  else std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(n));
  return buf;
}

StatusOr<ModelDetails> ReadModelDetails(const std::string& gguf_path) {
  ASSIGN_OR_RETURN(GgufFile file, ReadGguf(gguf_path));
  ModelDetails d;
  d.family = file.String("general.architecture", "unknown");
  uint64_t params = 0;
  for (const auto& t : file.tensors) params += t.elements;
  d.parameter_size = HumanParameterCount(params);
  d.quantization_level = FileTypeName(file.Unsigned("general.file_type", 0));
  d.context_length = file.Unsigned(d.family + ".context_length");
  d.embedding_length = file.Unsigned(d.family + ".embedding_length");
  return d;
}

}  // namespace suanli::store
