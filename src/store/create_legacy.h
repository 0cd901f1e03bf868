// Ollama's legacy /api/create form (up to v0.5.4):
//   {"name"|"model", "modelfile": "<text>", "path", "quantize"|"quantization", "stream"}
// converted into the current JSON form. The Modelfile is parsed on the
// server, so it may not name local files: FROM and ADAPTER take
// "@sha256:<hex>" references to uploaded blobs (FROM also a model name). A
// server-side "path" is refused. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace suanli::store {

// True when `body` uses the legacy form ("modelfile" or "path" present).
bool IsLegacyCreateRequest(const nlohmann::json& body);

// The current-form body: the Modelfile's fields (from/files, adapters,
// template, system, parameters, messages, license, ...) over the other
// fields of `body` ("model"/"name", "quantize"/"quantization", "stream").
// InvalidArgument for "path", a "modelfile" that is not a string or does not
// parse, or a FROM/ADAPTER that names a local path (the message does not
// say whether that path exists).
StatusOr<nlohmann::json> LegacyCreateRequest(const nlohmann::json& body);

}  // namespace suanli::store
