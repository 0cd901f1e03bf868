#include "engine/gguf_preflight.h"

#include "base/gguf_reader.h"
#include "ggml.h"

namespace suanli::engine {

StatusOr<GgufSummary> PreflightGguf(const std::string& path) {
  ASSIGN_OR_RETURN(GgufFile file, ReadGguf(path));
  const std::string name = path.substr(path.find_last_of('/') + 1);
  auto corrupt = [&](const std::string& what) {
    return InvalidArgumentError("model file '" + name + "' is truncated or corrupt: " + what);
  };
  // The reader checked the layout; here each tensor's type and byte size are
  // checked against ggml's type table and the data section.
  const uint64_t data_size = file.tensors.empty() ? 0 : file.file_size - file.data_offset;
  for (const auto& t : file.tensors) {
    if (t.type >= GGML_TYPE_COUNT) return corrupt("tensor '" + t.name + "' has unknown type " + std::to_string(t.type));
    const auto type = static_cast<ggml_type>(t.type);
    const uint64_t block = static_cast<uint64_t>(ggml_blck_size(type));
    const uint64_t type_size = ggml_type_size(type);
    if (block == 0 || type_size == 0) return corrupt("tensor '" + t.name + "' uses a removed type " + std::to_string(t.type));
    if (t.dims[0] % block != 0) return corrupt("tensor '" + t.name + "' row size is not a multiple of its block size");
    uint64_t bytes;
    if (__builtin_mul_overflow(t.elements / block, type_size, &bytes)) return corrupt("tensor '" + t.name + "' is too large");
    if (t.offset > data_size || bytes > data_size - t.offset) {
      return corrupt("tensor '" + t.name + "' data extends past the end of the file");
    }
  }
  GgufSummary s;
  s.version = file.version;
  s.tensor_count = file.tensors.size();
  s.kv_count = file.kv.size();
  s.architecture = file.String("general.architecture");
  s.data_offset = file.data_offset;
  s.file_size = file.file_size;
  return s;
}

}  // namespace suanli::engine
