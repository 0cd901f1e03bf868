// Prompts rendered with a Go TEMPLATE, as Ollama renders them: the request's
// `template` override, else the model's Modelfile TEMPLATE (models without
// one use the GGUF's Jinja template in the runner instead). Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "store/go_template.h"
#include "store/model_store.h"

namespace suanli::server {

// The Go template that renders this request, or nullopt when the runner's
// Jinja template does. InvalidArgument when the override does not parse.
StatusOr<std::optional<store::GoTemplate>> GoTemplateFor(const nlohmann::ordered_json& body,
                                                         const store::ModelRecord& record);

// Renders the prompt of a prepared runner request (its "messages", or its
// "prompt"/"system"/"suffix") and the body's "tools"/"think". For chat the
// oldest messages are dropped until `fits(prompt)` says yes (the last one is
// always kept). Execution errors are Internal (a 500, as in Ollama).
StatusOr<std::string> RenderWithGoTemplate(const store::GoTemplate& tmpl, const nlohmann::ordered_json& runner_request,
                                           const nlohmann::ordered_json& body, bool chat,
                                           const std::function<StatusOr<bool>(const std::string&)>& fits);

}  // namespace suanli::server
