// Validation of a manifest fetched from a registry before anything is
// downloaded: Docker v2 (or OCI) image manifest, a config blob and 1..N
// layers of known application/vnd.ollama.image.* types, each with a
// canonical "sha256:<64 lower-case hex>" digest (CVE-2024-37032: a digest is
// a path component) and a size within the limits. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::store {

struct ManifestLimits {
  size_t max_manifest_bytes = 4 << 20;
  size_t max_layers = 64;
  uint64_t max_blob_bytes = 1ull << 40;  // per blob
};

struct ManifestBlob {
  std::string media_type;
  std::string digest;  // "sha256:<hex>"
  uint64_t size = 0;
};

struct RegistryManifest {
  ManifestBlob config;
  std::vector<ManifestBlob> layers;
  // The layers, then the config, each digest once (the download order).
  std::vector<ManifestBlob> DistinctBlobs() const;
};

// Parses and checks `body`. InvalidArgument, naming what is wrong, for
// invalid JSON, a body over the cap, another manifest type (lists included),
// no config, no layers or too many, no model layer, an unknown media type, a
// non-canonical digest, or a size that is not an integer in [0, max].
StatusOr<RegistryManifest> ParseRegistryManifest(std::string_view body, const ManifestLimits& limits);

}  // namespace suanli::store
