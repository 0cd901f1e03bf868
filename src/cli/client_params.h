// Typed model options for `/set parameter` in the REPL and PARAMETER in a
// Modelfile: the value strings become the JSON type the server expects
// (Ollama's api.FormatParams). Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace suanli::cli {

// Converts `values` for option `key`: integers and floats become numbers,
// booleans true/false, `stop` an array of all values. InvalidArgument for an
// unknown key or a value of the wrong type (the message names both).
StatusOr<nlohmann::json> ParseOptionValue(const std::string& key, const std::vector<std::string>& values);

// True for options Ollama removed (mirostat, tfs_z, penalize_newline, ...):
// a Modelfile warns and skips them.
bool IsDeprecatedOption(const std::string& key);

}  // namespace suanli::cli
