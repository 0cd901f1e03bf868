// Wire format between the server and a runner process (HTTP/1.1 over a Unix
// socket, JSON bodies, NDJSON streams; see docs/architecture.md): encoding
// and validating decoding of its messages. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "engine/chat_template.h"
#include "engine/engine.h"
#include "engine/model.h"

namespace suanli::runner {

using json = nlohmann::json;

// {"error": {"code": "invalid_argument", "message": "..."}}
json ErrorToJson(const Status& status);
// Reads an error object written by ErrorToJson (anything else: Internal).
Status ErrorFromJson(const json& body);

json TimingsToJson(const engine::Timings& t);
engine::Timings TimingsFromJson(const json& j);

json ModelInfoToJson(const engine::ModelInfo& info);

// Parses `messages` ([{role, content, thinking?, tool_calls?, tool_name?}]).
// Fails with InvalidArgument naming the bad field.
StatusOr<std::vector<engine::ChatMessage>> MessagesFromJson(const json& messages);
// Parses `tools` (Ollama/OpenAI shape: [{type:function, function:{name,...}}]);
// the parameters' key order is kept.
StatusOr<std::vector<engine::ToolSpec>> ToolsFromJson(const nlohmann::ordered_json& tools);

// Parses a JSON body; InvalidArgument with the parser's reason on failure.
StatusOr<json> ParseJson(const std::string& body);
// The same, keeping the order of object keys.
StatusOr<nlohmann::ordered_json> ParseOrderedJson(const std::string& body);

}  // namespace suanli::runner
