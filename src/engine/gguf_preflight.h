// GGUF preflight: validates a file's header, key/value section and tensor
// table against the file size with overflow-safe arithmetic before llama.cpp
// sees it, so that a truncated or hostile file becomes a clear error instead
// of a crash. Stateless; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace suanli::engine {

struct GgufSummary {
  uint32_t version = 0;
  uint64_t tensor_count = 0;
  uint64_t kv_count = 0;
  std::string architecture;  // general.architecture, empty when absent
  uint64_t data_offset = 0;  // start of the tensor data section
  uint64_t file_size = 0;
};

// Checks the file at `path`. Returns the summary, or:
//   NotFound        the file does not exist;
//   InvalidArgument not a GGUF file, unsupported version, truncated or
//                   corrupt (counts, lengths, types, offsets or sizes that do
//                   not fit the file).
// Messages name the file by its base name only.
StatusOr<GgufSummary> PreflightGguf(const std::string& path);

}  // namespace suanli::engine
