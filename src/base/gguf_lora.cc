#include "base/gguf_lora.h"

#include <map>

namespace suanli {

namespace {

constexpr std::string_view kSuffixA = ".lora_a";
constexpr std::string_view kSuffixB = ".lora_b";

uint64_t Dim(const GgufTensorInfo& t, size_t i) { return i < t.dims.size() ? t.dims[i] : 1; }

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status CheckLoraAdapter(const GgufFile& adapter, const GgufFile& base, const std::string& adapter_name) {
  const std::string what = "adapter '" + adapter_name + "'";
  auto string_key = [&](const std::string& key) -> std::string {
    auto it = adapter.kv.find(key);
    if (it == adapter.kv.end()) return "";
    const auto* s = std::get_if<std::string>(&it->second);
    return s ? *s : std::string("\x01");  // present with another type: never a match
  };
  if (string_key("general.type") != "adapter" || string_key("adapter.type") != "lora") {
    return InvalidArgumentError(what +
                                " is not a LoRA adapter (expected general.type 'adapter' and "
                                "adapter.type 'lora'); convert it with llama.cpp's convert_lora_to_gguf.py");
  }
  if (auto it = adapter.kv.find("adapter.lora.alpha");
      it != adapter.kv.end() && !std::holds_alternative<float>(it->second)) {
    return InvalidArgumentError(what + " has an adapter.lora.alpha that is not a float32");
  }
  const std::string arch = string_key("general.architecture");
  const std::string base_arch = base.String("general.architecture");
  if (arch != base_arch) {
    return InvalidArgumentError(what + " was made for architecture '" + (arch == "\x01" ? "?" : arch) +
                                "', the model is '" + base_arch + "'");
  }
  std::map<std::string, const GgufTensorInfo*> base_tensors;
  for (const auto& t : base.tensors) base_tensors[t.name] = &t;
  struct Pair {
    const GgufTensorInfo* a = nullptr;
    const GgufTensorInfo* b = nullptr;
  };
  std::map<std::string, Pair> pairs;
  for (const auto& t : adapter.tensors) {
    if (EndsWith(t.name, kSuffixA)) {
      pairs[t.name.substr(0, t.name.size() - kSuffixA.size())].a = &t;
    } else if (EndsWith(t.name, kSuffixB)) {
      pairs[t.name.substr(0, t.name.size() - kSuffixB.size())].b = &t;
    } else {
      return InvalidArgumentError(what + " has a tensor '" + t.name + "' that is not a LoRA pair (.lora_a/.lora_b)");
    }
  }
  if (pairs.empty()) return InvalidArgumentError(what + " has no LoRA tensors");
  for (const auto& [name, pair] : pairs) {
    if (!pair.a || !pair.b)
      return InvalidArgumentError(what + " has only one half of the LoRA pair for '" + name + "'");
    auto it = base_tensors.find(name);
    if (it == base_tensors.end()) {
      return InvalidArgumentError(what + " changes tensor '" + name + "', which does not exist in the model; " +
                                  "was it made for another base model?");
    }
    const GgufTensorInfo& w = *it->second;
    const GgufTensorInfo& a = *pair.a;
    const GgufTensorInfo& b = *pair.b;
    bool fits;
    if (EndsWith(name, "token_embd.weight")) {
      fits = Dim(w, 0) == Dim(b, 1) && Dim(w, 1) == Dim(a, 1);
    } else {
      fits = Dim(w, 0) == Dim(a, 0) && Dim(w, 1) == Dim(b, 1) && Dim(a, 1) == Dim(b, 0);
    }
    if (!fits || a.dims.size() > 2 || b.dims.size() > 2) {
      return InvalidArgumentError(what + " has the wrong shape for tensor '" + name + "' of the model; " +
                                  "was it made for another base model?");
    }
  }
  return OkStatus();
}

}  // namespace suanli
