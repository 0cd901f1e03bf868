#include "cli/client_params.h"

#include "store/modelfile.h"


namespace suanli::cli {

// The typing rules live with the Modelfile parser; the REPL uses the same.
bool IsDeprecatedOption(const std::string& key) { return store::IsDeprecatedParameter(key); }

StatusOr<nlohmann::json> ParseOptionValue(const std::string& key, const std::vector<std::string>& values) {
  if (values.empty()) return InvalidArgumentError("missing value for parameter '" + key + "'");
  if (key == "stop") return nlohmann::json(values);
  return store::ParseParameter(key, values.front());
}

}  // namespace suanli::cli
