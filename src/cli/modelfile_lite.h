// A minimal Modelfile parser for `suanli create` until the full Modelfile
// language lands: FROM, PARAMETER, SYSTEM, TEMPLATE, LICENSE, MESSAGE,
// REQUIRES, RENDERER, PARSER; `#` comments; case-insensitive instructions;
// values quoted with " or """ may span lines. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::cli {

struct ModelfileLite {
  std::string from;  // as written: a path or a model name
  int from_line = 0;
  nlohmann::json parameters = nlohmann::json::object();  // typed; `stop` is an array
  std::string system;
  bool has_system = false;
  std::string template_;
  bool has_template = false;
  std::vector<std::string> licenses;
  nlohmann::json messages = nlohmann::json::array();  // [{role, content}]
  std::string requires_version, renderer, parser;
  std::vector<std::string> warnings;  // e.g. deprecated parameters (skipped)
};

// Parses Modelfile text. InvalidArgument naming the line on a syntax error,
// an unknown or unsupported instruction, a bad parameter, or no FROM line.
StatusOr<ModelfileLite> ParseModelfileLite(std::string_view text);

}  // namespace suanli::cli
