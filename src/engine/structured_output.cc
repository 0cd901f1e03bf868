#include "engine/structured_output.h"

#include <exception>

#include "engine/sampler.h"
#include "json-schema-to-grammar.h"

namespace suanli::engine {

namespace {

// json_schema_to_grammar's errors start with a fixed header line.
std::string Reason(const std::string& what) {
  const std::string header = "JSON schema conversion failed:\n";
  std::string out = what.rfind(header, 0) == 0 ? what.substr(header.size()) : what;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out) {
    if (c == '\n') c = ';';
  }
  return out;
}

}  // namespace

StatusOr<std::string> GrammarForFormat(const Model& model, const nlohmann::ordered_json& format) {
  if (format.is_null() || (format.is_string() && format.get<std::string>().empty())) return std::string();
  std::string schema;
  if (format.is_string() && format.get<std::string>() == "json") {
    schema = R"({"type":"object"})";
  } else if (format.is_object()) {
    schema = format.dump();
  } else {
    return InvalidArgumentError("invalid format: " + format.dump() +
                                "; expected \"json\" or a valid JSON Schema object");
  }
  std::string gbnf;
  try {
    gbnf = json_schema_to_grammar(common_json::parse(schema));
  } catch (const std::exception& e) {
    return InvalidArgumentError("invalid JSON schema in format: " + Reason(e.what()));
  }
  RETURN_IF_ERROR(CheckGrammar(model, GrammarSpec{gbnf, false, {}, {}, {}}));
  return gbnf;
}

}  // namespace suanli::engine
