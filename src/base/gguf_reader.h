// GgufReader parses a GGUF file's header, key/value section and tensor table
// (not the tensor data), checking every count, length and offset against the
// file size with overflow-safe arithmetic, so hostile files become clear
// errors. Used by the engine's preflight and by the model store.
// Stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"

namespace suanli {

struct GgufArrayInfo {
  uint32_t element_type = 0;
  uint64_t count = 0;
};

// Unsigned and signed integers widen to 64 bits; float32 stays float, so that
// a reader can tell a float32 from a float64 (llama.cpp asserts on the type).
using GgufValue = std::variant<uint64_t, int64_t, double, bool, std::string, GgufArrayInfo, float>;

struct GgufTensorInfo {
  std::string name;
  std::vector<uint64_t> dims;
  uint32_t type = 0;
  uint64_t offset = 0;  // relative to the data section
  uint64_t elements = 0;
};

struct GgufFile {
  uint32_t version = 0;
  uint64_t alignment = 32;
  uint64_t data_offset = 0;
  uint64_t file_size = 0;
  std::map<std::string, GgufValue> kv;
  std::vector<GgufTensorInfo> tensors;

  // Typed look-ups; `fallback` when absent or of another type.
  std::string String(const std::string& key, const std::string& fallback = "") const;
  uint64_t Unsigned(const std::string& key, uint64_t fallback = 0) const;  // any integer type
  uint64_t ArrayCount(const std::string& key) const;
};

// Reads the metadata of the GGUF file at `path`. Fails with NotFound (no
// file) or InvalidArgument ("'x.gguf' is not a GGUF model file", "model file
// 'x.gguf' is truncated or corrupt: <what>"). Messages name the file by its
// base name only.
StatusOr<GgufFile> ReadGguf(const std::string& path);

}  // namespace suanli
