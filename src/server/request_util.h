// Helpers shared by the route handlers: JSON bodies, Ollama's error replies
// and status codes, keep_alive values, option merging (defaults < model
// parameters < request options) and the scheduler spec of a stored model.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "engine/options.h"
#include "sched/scheduler.h"
#include "store/model_store.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace suanli::server {

using json = nlohmann::json;

// Server-wide defaults that requests and models refine.
struct RequestDefaults {
  int num_ctx = 4096;
};

// Writes {"error": message} with the status's HTTP code.
void ReplyError(httplib::Response& res, const Status& status);
void ReplyJson(httplib::Response& res, const json& body, int code = 200);
std::string JsonLine(const json& body);

// Parses a request body: 400 "missing request body" when empty, 400 with
// the parser's reason when it is not a JSON object.
StatusOr<json> ParseBody(const httplib::Request& req);
// The same, keeping the order of object keys (for JSON schemas).
StatusOr<nlohmann::ordered_json> ParseOrderedBody(const httplib::Request& req);

// keep_alive: number of seconds, or a Go duration string; null/absent = none.
StatusOr<std::optional<int64_t>> ParseKeepAlive(const json& body);

// Model name from "model" (or the deprecated "name"); 400 when missing.
StatusOr<std::string> ModelField(const json& body);

// The effective options for a request on `record`.
struct EffectiveOptions {
  engine::ModelOptions options;
  bool load_options_explicit = false;
  json runner_options;  // what the runner gets (sampling keys)
};
StatusOr<EffectiveOptions> MergeOptions(const store::ModelRecord& record, const json& request_options,
                                        const RequestDefaults& defaults);

sched::ModelSpec SpecFor(const store::ModelRecord& record, const EffectiveOptions& options);
json DetailsJson(const store::ModelDetails& d);

}  // namespace suanli::server
