// Model names with Ollama's grammar: [host/][namespace/]model[:tag], defaults
// registry.ollama.ai, library, latest; matching is case-insensitive and the
// display name strips the defaults. Pure functions; thread-safe.
#pragma once

#include <string>

#include "base/status.h"

namespace suanli::store {

struct ModelName {
  std::string host = "registry.ollama.ai";
  std::string name_space = "library";
  std::string model;
  std::string tag = "latest";

  // "llama3.2:latest", "user/model:tag", "host.io/user/model:tag".
  std::string Display() const;
  // "host/namespace/model/tag": the manifest's path under manifests/.
  std::string ManifestPath() const;
  // Lower-cased ManifestPath, for case-insensitive comparison.
  std::string Key() const;
};

// Parses `text`. InvalidArgument ("invalid model name") for empty parts,
// characters outside Ollama's sets, over-long parts, "..", or digests.
StatusOr<ModelName> ParseModelName(const std::string& text);

}  // namespace suanli::store
