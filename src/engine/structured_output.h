// Structured outputs: turns a request's `format` ("json" or a JSON schema)
// into a GBNF grammar with llama.cpp's json_schema_to_grammar, checked
// against the model's vocabulary. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "engine/model.h"

namespace suanli::engine {

// The grammar for `format`: "json" allows any JSON object (llama.cpp's
// grammars/json.gbnf), an object is a JSON schema. Null or "" gives "" (no
// constraint). Fails with InvalidArgument naming the problem for any other
// value or a schema llama.cpp cannot convert.
// The schema's key order is kept (it orders the generated properties).
StatusOr<std::string> GrammarForFormat(const Model& model, const nlohmann::ordered_json& format);

}  // namespace suanli::engine
