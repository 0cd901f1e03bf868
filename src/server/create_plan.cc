#include "server/create_plan.h"

#include "base/gguf_lora.h"
#include "base/gguf_reader.h"
#include "base/sha256.h"
#include "engine/options.h"
#include "server/request_util.h"
#include "store/create_legacy.h"
#include "store/gguf_details.h"
#include "store/prompt_renderer.h"

namespace suanli::server {

namespace {

constexpr size_t kMaxAdapters = 8;

StatusOr<std::string> OptionalString(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidArgumentError(std::string(key) + " must be a string");
  return it->get<std::string>();
}

std::string DigestOf(const std::string& blob_path) { return "sha256:" + blob_path.substr(blob_path.size() - 64); }

// A file name from a files/adapters map, as a client may name it: no
// folders, nothing that could be taken for a path.
bool IsPlainFileName(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name != "." && name != "..";
}

Status AddAdapters(const json& adapters, const store::ModelStore& store, store::CreateSpec* spec) {
  if (!adapters.is_object()) return InvalidArgumentError("adapters must map file names to blob digests");
  if (adapters.size() > kMaxAdapters) {
    return InvalidArgumentError("too many adapters (at most " + std::to_string(kMaxAdapters) + ")");
  }
  spec->adapter_digests.clear();
  if (adapters.empty()) return OkStatus();
  ASSIGN_OR_RETURN(GgufFile base, ReadGguf(store.BlobPath(spec->model_digest)));
  for (const auto& [file, digest] : adapters.items()) {
    if (!IsPlainFileName(file)) return InvalidArgumentError("invalid adapter file name");
    if (!digest.is_string() || !IsValidDigest(digest.get<std::string>())) {
      return InvalidArgumentError("invalid digest for adapter '" + file + "'");
    }
    const std::string d = digest.get<std::string>();
    if (!store.HasBlob(d)) return InvalidArgumentError("blob " + d + " not found; upload it first");
    auto adapter = ReadGguf(store.BlobPath(d));
    if (!adapter.ok()) return InvalidArgumentError("adapter '" + file + "' is not a valid GGUF file");
    RETURN_IF_ERROR(CheckLoraAdapter(*adapter, base, file));
    spec->adapter_digests.push_back(d);
  }
  return OkStatus();
}

Status AddTextFields(const json& body, store::CreateSpec* spec) {
  for (const char* key : {"system", "template"}) {
    ASSIGN_OR_RETURN(std::string v, OptionalString(body, key));
    if (body.contains(key) && !body[key].is_null())
      (std::string(key) == "system" ? spec->system : spec->template_text) = v;
  }
  if (auto params = body.find("parameters"); params != body.end() && !params->is_null()) {
    if (!params->is_object()) return InvalidArgumentError("parameters must be an object");
    engine::ModelOptions check;
    RETURN_IF_ERROR(engine::ApplyOptions(*params, &check, nullptr));
    for (const auto& [k, v] : params->items()) spec->parameters[k] = v;
  }
  if (auto messages = body.find("messages"); messages != body.end() && !messages->is_null()) {
    if (!messages->is_array()) return InvalidArgumentError("messages must be an array");
    spec->messages = *messages;
  }
  if (auto license = body.find("license"); license != body.end() && !license->is_null()) {
    spec->licenses.clear();
    if (license->is_string()) {
      spec->licenses.push_back(license->get<std::string>());
    } else if (license->is_array()) {
      for (const auto& l : *license) {
        if (!l.is_string()) return InvalidArgumentError("license must be a string or a list of strings");
        spec->licenses.push_back(l.get<std::string>());
      }
    } else {
      return InvalidArgumentError("license must be a string or a list of strings");
    }
  }
  if (!spec->template_text.empty()) {
    // A TEMPLATE that does not parse is refused now, not at the first request.
    if (auto parsed = store::ParseOllamaTemplate(spec->template_text); !parsed.ok()) {
      return InvalidArgumentError(parsed.status().message());
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<CreatePlan> PlanCreate(const json& raw_body, const store::ModelStore& store) {
  json body = raw_body;
  if (store::IsLegacyCreateRequest(body)) {
    ASSIGN_OR_RETURN(body, store::LegacyCreateRequest(body));
  }
  CreatePlan plan;
  ASSIGN_OR_RETURN(plan.name, ModelField(body));
  RETURN_IF_ERROR(store::ParseModelName(plan.name).status());
  if (auto s = body.find("stream"); s != body.end() && !s->is_null()) {
    if (!s->is_boolean()) return InvalidArgumentError("stream must be true or false");
    plan.stream = s->get<bool>();
  }
  store::CreateSpec& spec = plan.spec;
  // `from` an existing model: start from its layers.
  ASSIGN_OR_RETURN(std::string from, OptionalString(body, "from"));
  if (!from.empty()) {
    ASSIGN_OR_RETURN(store::ModelRecord base, store.Get(from));
    spec.model_digest = DigestOf(base.model_path);
    for (const auto& a : base.adapter_paths) spec.adapter_digests.push_back(DigestOf(a));
    spec.parameters = base.parameters;
    spec.system = base.system;
    spec.template_text = base.template_text;
    spec.messages = base.messages;
    spec.licenses = base.licenses;
  }
  if (auto files = body.find("files"); files != body.end() && !files->is_null()) {
    if (!files->is_object() || files->size() != 1) {
      return InvalidArgumentError("files must map one GGUF file name to its blob digest");
    }
    const std::string file = files->begin().key();
    const json& digest = files->begin().value();
    if (!IsPlainFileName(file)) return InvalidArgumentError("invalid file name");
    if (!digest.is_string() || !IsValidDigest(digest.get<std::string>())) {
      return InvalidArgumentError("invalid digest for file '" + file + "'");
    }
    spec.model_digest = digest.get<std::string>();
  }
  if (spec.model_digest.empty()) return InvalidArgumentError("neither 'from' nor 'files' was specified");
  if (!store.HasBlob(spec.model_digest)) {
    return InvalidArgumentError("blob " + spec.model_digest + " not found; upload it first");
  }
  if (auto adapters = body.find("adapters"); adapters != body.end() && !adapters->is_null()) {
    RETURN_IF_ERROR(AddAdapters(*adapters, store, &spec));
  }
  RETURN_IF_ERROR(AddTextFields(body, &spec));

  ASSIGN_OR_RETURN(std::string quantize, OptionalString(body, "quantize"));
  if (quantize.empty()) {
    ASSIGN_OR_RETURN(quantize, OptionalString(body, "quantization"));  // deprecated name
  }
  if (!quantize.empty()) {
    ASSIGN_OR_RETURN(plan.quantize, store::ParseQuantizationType(quantize));
    auto details = store::ReadModelDetails(store.BlobPath(spec.model_digest));
    if (!details.ok()) return InvalidArgumentError(details.status().message());
    plan.source_level = details->quantization_level;
    if (!store::CanQuantizeFrom(plan.source_level)) {
      return InvalidArgumentError("quantization is only supported for F16, BF16 and F32 models");
    }
    if (plan.quantize == plan.source_level) plan.quantize.clear();  // already that type
  }
  return plan;
}

}  // namespace suanli::server
