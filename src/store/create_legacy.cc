#include "store/create_legacy.h"

#include "store/modelfile.h"

namespace suanli::store {

using json = nlohmann::json;

bool IsLegacyCreateRequest(const json& body) {
  return body.is_object() && (body.contains("modelfile") || body.contains("path"));
}

StatusOr<json> LegacyCreateRequest(const json& body) {
  if (auto path = body.find("path"); path != body.end() && !path->is_null()) {
    return InvalidArgumentError(
        "'path' (a file on the server) is not supported; send the Modelfile's text in "
        "'modelfile' and upload its files with /api/blobs");
  }
  auto text = body.find("modelfile");
  if (text == body.end() || !text->is_string()) return InvalidArgumentError("modelfile must be a string");
  ASSIGN_OR_RETURN(Modelfile modelfile, ParseModelfile(text->get<std::string>()));
  CreateRequestOptions options;
  options.allow_local_paths = false;
  ASSIGN_OR_RETURN(json fields, ToCreateRequest(modelfile, options));
  json out = body;
  out.erase("modelfile");
  out.erase("path");
  for (auto& [key, value] : fields.items()) out[key] = value;
  return out;
}

}  // namespace suanli::store
