#include "engine/options.h"

#include <cmath>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

namespace suanli::engine {

namespace {

using json = nlohmann::json;

Status TypeError(const std::string& key, const char* type) {
  return InvalidArgumentError("option \"" + key + "\" must be of type " + type);
}

Status ReadInt(const std::string& key, const json& v, int64_t lo, int64_t hi, int64_t* out) {
  if (!v.is_number()) return TypeError(key, "integer");
  double d = v.get<double>();
  if (!std::isfinite(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    return InvalidArgumentError("option \"" + key + "\" is out of range");
  }
  *out = static_cast<int64_t>(d);  // JSON numbers are truncated, as Ollama does
  return OkStatus();
}

Status ReadFloat(const std::string& key, const json& v, float* out) {
  if (!v.is_number()) return TypeError(key, "float32");
  double d = v.get<double>();
  if (!std::isfinite(d)) return InvalidArgumentError("option \"" + key + "\" must be finite");
  *out = static_cast<float>(d);
  return OkStatus();
}

using Setter = std::function<Status(const std::string&, const json&, ModelOptions*)>;

Setter Int(int SamplingOptions::*field, int64_t lo = -1, int64_t hi = INT32_MAX) {
  return [=](const std::string& k, const json& v, ModelOptions* o) {
    int64_t x;
    RETURN_IF_ERROR(ReadInt(k, v, lo, hi, &x));
    o->sampling.*field = static_cast<int>(x);
    return OkStatus();
  };
}
Setter LoadInt(int LoadOptions::*field, int64_t lo, int64_t hi) {
  return [=](const std::string& k, const json& v, ModelOptions* o) {
    int64_t x;
    RETURN_IF_ERROR(ReadInt(k, v, lo, hi, &x));
    o->load.*field = static_cast<int>(x);
    return OkStatus();
  };
}
Setter Float(float SamplingOptions::*field) {
  return [=](const std::string& k, const json& v, ModelOptions* o) {
    return ReadFloat(k, v, &(o->sampling.*field));
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* setters = new std::map<std::string, Setter>{
      {"temperature", Float(&SamplingOptions::temperature)},
      {"top_k", Int(&SamplingOptions::top_k, INT32_MIN)},
      {"top_p", Float(&SamplingOptions::top_p)},
      {"min_p", Float(&SamplingOptions::min_p)},
      {"typical_p", Float(&SamplingOptions::typical_p)},
      {"repeat_last_n", Int(&SamplingOptions::repeat_last_n, -1)},
      {"repeat_penalty", Float(&SamplingOptions::repeat_penalty)},
      {"presence_penalty", Float(&SamplingOptions::presence_penalty)},
      {"frequency_penalty", Float(&SamplingOptions::frequency_penalty)},
      {"num_predict", Int(&SamplingOptions::num_predict, INT32_MIN)},
      {"num_keep", Int(&SamplingOptions::num_keep, -1)},
      {"seed",
       [](const std::string& k, const json& v, ModelOptions* o) {
         return ReadInt(k, v, INT64_MIN / 2, INT64_MAX / 2, &o->sampling.seed);
       }},
      {"stop",
       [](const std::string& k, const json& v, ModelOptions* o) {
         if (v.is_string()) {  // tolerated: a single stop string
           o->sampling.stop = {v.get<std::string>()};
           return OkStatus();
         }
         if (!v.is_array()) return TypeError(k, "array");
         std::vector<std::string> stops;
         for (const auto& s : v) {
           if (!s.is_string()) return TypeError(k, "array");
           if (!s.get<std::string>().empty()) stops.push_back(s.get<std::string>());
         }
         o->sampling.stop = std::move(stops);
         return OkStatus();
       }},
      {"num_ctx", LoadInt(&LoadOptions::num_ctx, 1, 1 << 24)},
      {"num_batch", LoadInt(&LoadOptions::num_batch, 1, 1 << 20)},
      {"num_gpu", LoadInt(&LoadOptions::num_gpu, -1, 1 << 16)},
      {"num_thread", LoadInt(&LoadOptions::num_thread, 0, 1 << 12)},
      {"use_mmap",
       [](const std::string& k, const json& v, ModelOptions* o) {
         if (!v.is_boolean()) return TypeError(k, "boolean");
         o->load.use_mmap = v.get<bool>();
         return OkStatus();
       }},
  };
  return *setters;
}

}  // namespace

Status ApplyOptions(const json& options, ModelOptions* out, std::vector<std::string>* ignored) {
  if (options.is_null()) return OkStatus();
  if (!options.is_object()) return InvalidArgumentError("options must be an object");
  const auto& setters = Setters();
  for (const auto& [key, value] : options.items()) {
    auto it = setters.find(key);
    if (it == setters.end()) {
      if (ignored) ignored->push_back(key);
      continue;
    }
    if (value.is_null()) continue;  // null means "use the default"
    RETURN_IF_ERROR(it->second(key, value, out));
  }
  if (out->load.num_ctx < 4) out->load.num_ctx = 4;  // Ollama's minimum
  return OkStatus();
}

}  // namespace suanli::engine
