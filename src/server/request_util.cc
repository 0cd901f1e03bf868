#include "server/request_util.h"

#include <cmath>

#include <cpp-httplib/httplib.h>

#include "base/duration.h"
#include "base/log.h"

namespace suanli::server {

std::string JsonLine(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

void ReplyJson(httplib::Response& res, const json& body, int code) {
  res.status = code;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void ReplyError(httplib::Response& res, const Status& status) {
  ReplyJson(res, {{"error", status.message()}}, HttpStatusFor(status));
}

StatusOr<json> ParseBody(const httplib::Request& req) {
  if (req.body.empty()) return InvalidArgumentError("missing request body");
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return InvalidArgumentError("invalid JSON in the request body");
  if (!body.is_object()) return InvalidArgumentError("the request body must be a JSON object");
  return body;
}

StatusOr<nlohmann::ordered_json> ParseOrderedBody(const httplib::Request& req) {
  if (req.body.empty()) return InvalidArgumentError("missing request body");
  auto body = nlohmann::ordered_json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return InvalidArgumentError("invalid JSON in the request body");
  if (!body.is_object()) return InvalidArgumentError("the request body must be a JSON object");
  return body;
}

StatusOr<std::optional<int64_t>> ParseKeepAlive(const json& body) {
  auto it = body.find("keep_alive");
  if (it == body.end() || it->is_null()) return std::optional<int64_t>{};
  if (it->is_number()) {
    const double secs = it->get<double>();
    if (!std::isfinite(secs)) return InvalidArgumentError("invalid keep_alive value");
    if (secs < 0) return std::optional<int64_t>{-1};
    return std::optional<int64_t>{static_cast<int64_t>(std::min(secs, 9e9) * 1e9)};
  }
  if (it->is_string()) {
    auto ns = ParseGoDuration(it->get<std::string>());
    if (!ns.ok()) return InvalidArgumentError("invalid keep_alive: " + ns.status().message());
    return std::optional<int64_t>{*ns < 0 ? -1 : *ns};
  }
  return InvalidArgumentError("keep_alive must be a number of seconds or a duration string");
}

StatusOr<std::string> ModelField(const json& body) {
  for (const char* key : {"model", "name"}) {
    auto it = body.find(key);
    if (it != body.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  }
  return InvalidArgumentError("model is required");
}

StatusOr<EffectiveOptions> MergeOptions(const store::ModelRecord& record, const json& request_options,
                                        const RequestDefaults& defaults) {
  EffectiveOptions e;
  e.options.load.num_ctx = defaults.num_ctx;
  std::vector<std::string> ignored;
  RETURN_IF_ERROR(engine::ApplyOptions(record.parameters, &e.options, &ignored));
  RETURN_IF_ERROR(engine::ApplyOptions(request_options, &e.options, &ignored));
  for (const auto& key : ignored) LogWarn("invalid option provided: " + key);
  if (request_options.is_object()) {
    for (const char* key : {"num_ctx", "num_batch", "num_gpu", "num_thread", "use_mmap"}) {
      if (request_options.contains(key) && !request_options[key].is_null()) e.load_options_explicit = true;
    }
  }
  const auto& s = e.options.sampling;
  e.runner_options = {{"temperature", s.temperature}, {"top_k", s.top_k}, {"top_p", s.top_p},
                      {"min_p", s.min_p}, {"typical_p", s.typical_p}, {"repeat_last_n", s.repeat_last_n},
                      {"repeat_penalty", s.repeat_penalty}, {"presence_penalty", s.presence_penalty},
                      {"frequency_penalty", s.frequency_penalty}, {"seed", s.seed}, {"stop", s.stop},
                      {"num_keep", s.num_keep}};
  // Unlimited generation is capped at 10 x num_ctx, as Ollama does.
  e.runner_options["num_predict"] = s.num_predict < 0 ? 10 * e.options.load.num_ctx : s.num_predict;
  return e;
}

sched::ModelSpec SpecFor(const store::ModelRecord& record, const EffectiveOptions& options) {
  sched::ModelSpec spec;
  spec.name = record.name.Display();
  spec.digest = record.digest;
  spec.path = record.model_path;
  spec.adapters = record.adapter_paths;
  spec.details = DetailsJson(record.details);
  spec.load = options.options.load;
  spec.load_options_explicit = options.load_options_explicit;
  return spec;
}

json DetailsJson(const store::ModelDetails& d) {
  return {{"parent_model", ""}, {"format", d.format}, {"family", d.family}, {"families", {d.family}},
          {"parameter_size", d.parameter_size}, {"quantization_level", d.quantization_level}};
}

}  // namespace suanli::server
