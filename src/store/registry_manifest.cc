#include "store/registry_manifest.h"

#include <set>

#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace suanli::store {

namespace {

using json = nlohmann::json;

constexpr const char* kLayerPrefix = "application/vnd.ollama.image.";
const std::set<std::string> kLayerKinds = {"model",  "projector", "adapter",  "template", "prompt",
                                           "system", "params",    "messages", "license",  "draft"};
const std::set<std::string> kConfigTypes = {"application/vnd.docker.container.image.v1+json",
                                            "application/vnd.oci.image.config.v1+json"};
const std::set<std::string> kManifestTypes = {"application/vnd.docker.distribution.manifest.v2+json",
                                              "application/vnd.oci.image.manifest.v1+json"};

Status Invalid(const std::string& what) { return InvalidArgumentError("the registry sent an invalid manifest: " + what); }

StatusOr<ManifestBlob> ReadBlob(const json& entry, const std::string& where, const ManifestLimits& limits) {
  if (!entry.is_object()) return Invalid(where + " is not an object");
  ManifestBlob blob;
  auto type = entry.find("mediaType");
  if (type == entry.end() || !type->is_string()) return Invalid(where + " has no media type");
  blob.media_type = type->get<std::string>();
  auto digest = entry.find("digest");
  if (digest == entry.end() || !digest->is_string() || !IsValidDigest(digest->get<std::string>())) {
    return Invalid(where + " has an invalid digest");
  }
  blob.digest = digest->get<std::string>();
  auto size = entry.find("size");
  if (size == entry.end() || !size->is_number_integer() || (size->is_number_integer() && !size->is_number_unsigned() &&
                                                             size->get<int64_t>() < 0)) {
    return Invalid(where + " has an invalid size");
  }
  blob.size = size->get<uint64_t>();
  if (blob.size > limits.max_blob_bytes) {
    return Invalid(where + " is larger than this server accepts (" + std::to_string(blob.size) + " bytes)");
  }
  return blob;
}

}  // namespace

std::vector<ManifestBlob> RegistryManifest::DistinctBlobs() const {
  std::vector<ManifestBlob> out;
  std::set<std::string> seen;
  for (const auto& layer : layers) {
    if (seen.insert(layer.digest).second) out.push_back(layer);
  }
  if (seen.insert(config.digest).second) out.push_back(config);
  return out;
}

StatusOr<RegistryManifest> ParseRegistryManifest(std::string_view body, const ManifestLimits& limits) {
  if (body.size() > limits.max_manifest_bytes) return Invalid("it is larger than " + std::to_string(limits.max_manifest_bytes) + " bytes");
  json m = json::parse(body, nullptr, false);
  if (!m.is_object()) return Invalid("it is not a JSON object");
  if (auto v = m.find("schemaVersion"); v != m.end() && !(v->is_number_integer() && v->get<int64_t>() == 2)) {
    return Invalid("schema version 2 is required");
  }
  if (auto t = m.find("mediaType"); t != m.end() && !(t->is_string() && kManifestTypes.count(t->get<std::string>()))) {
    return Invalid("unsupported manifest type (image manifests only)");
  }
  RegistryManifest out;
  auto config = m.find("config");
  if (config == m.end()) return Invalid("it has no config");
  ASSIGN_OR_RETURN(out.config, ReadBlob(*config, "the config", limits));
  if (!kConfigTypes.count(out.config.media_type)) return Invalid("the config has an unknown media type");
  auto layers = m.find("layers");
  if (layers == m.end() || !layers->is_array() || layers->empty()) return Invalid("it has no layers");
  if (layers->size() > limits.max_layers) return Invalid("it has more than " + std::to_string(limits.max_layers) + " layers");
  bool has_model = false;
  for (size_t i = 0; i < layers->size(); ++i) {
    ASSIGN_OR_RETURN(ManifestBlob layer, ReadBlob((*layers)[i], "layer " + std::to_string(i), limits));
    const std::string& type = layer.media_type;
    if (type.rfind(kLayerPrefix, 0) != 0 || !kLayerKinds.count(type.substr(std::string(kLayerPrefix).size()))) {
      return Invalid("layer " + std::to_string(i) + " has an unsupported media type");
    }
    has_model = has_model || type == std::string(kLayerPrefix) + "model";
    out.layers.push_back(std::move(layer));
  }
  if (!has_model) return Invalid("it has no model layer");
  return out;
}

}  // namespace suanli::store
