#include "engine/gguf_preflight.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "ggml.h"

namespace suanli::engine {

namespace {

enum GgufType : uint32_t {
  kU8 = 0, kI8, kU16, kI16, kU32, kI32, kF32, kBool, kString, kArray, kU64, kI64, kF64, kTypeCount
};

uint64_t ScalarSize(uint32_t type) {
  switch (type) {
    case kU8: case kI8: case kBool: return 1;
    case kU16: case kI16: return 2;
    case kU32: case kI32: case kF32: return 4;
    case kU64: case kI64: case kF64: return 8;
    default: return 0;
  }
}

std::string BaseName(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Sequential reader that refuses to read past the end of the file.
class BoundedReader {
 public:
  BoundedReader(FILE* f, uint64_t size) : file_(f), size_(size) {}
  uint64_t pos() const { return pos_; }
  uint64_t remaining() const { return size_ - pos_; }

  bool Read(void* dst, uint64_t n) {
    if (n > remaining()) return false;
    if (n && std::fread(dst, 1, n, file_) != n) return false;
    pos_ += n;
    return true;
  }
  bool Skip(uint64_t n) {
    if (n > remaining()) return false;
    if (std::fseek(file_, static_cast<long>(n), SEEK_CUR) != 0) return false;
    pos_ += n;
    return true;
  }
  template <typename T>
  bool Get(T* v) { return Read(v, sizeof(T)); }
  // A GGUF string: u64 length then bytes. Keeps at most `keep` bytes.
  bool String(std::string* out, uint64_t keep = 1 << 16) {
    uint64_t len;
    if (!Get(&len) || len > remaining()) return false;
    if (out && len <= keep) {
      out->resize(len);
      return Read(out->data(), len);
    }
    return Skip(len);
  }

 private:
  FILE* file_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

bool CheckedMul(uint64_t a, uint64_t b, uint64_t* out) { return !__builtin_mul_overflow(a, b, out); }

}  // namespace

StatusOr<GgufSummary> PreflightGguf(const std::string& path) {
  const std::string name = BaseName(path);
  auto corrupt = [&](const std::string& what) {
    return InvalidArgumentError("model file '" + name + "' is truncated or corrupt: " + what);
  };

  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFoundError("model file '" + name + "' not found");
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError("model file '" + name + "' is not a regular file");
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return InvalidArgumentError("model file '" + name + "' cannot be opened: " + std::strerror(errno));

  GgufSummary s;
  s.file_size = static_cast<uint64_t>(st.st_size);
  BoundedReader r(file.get(), s.file_size);

  char magic[4];
  if (!r.Read(magic, 4) || std::memcmp(magic, "GGUF", 4) != 0) {
    return InvalidArgumentError("'" + name + "' is not a GGUF model file");
  }
  if (!r.Get(&s.version)) return corrupt("header ends early");
  if (s.version < 2 || s.version > 3) {
    return InvalidArgumentError("'" + name + "' uses GGUF version " + std::to_string(s.version) +
                                ", which is not supported (2 or 3 expected)");
  }
  if (!r.Get(&s.tensor_count) || !r.Get(&s.kv_count)) return corrupt("header ends early");
  // Every key/value pair needs at least 12 bytes and every tensor info 28.
  if (s.kv_count > r.remaining() / 12) return corrupt("key/value count " + std::to_string(s.kv_count) + " is larger than the file allows");
  if (s.tensor_count > r.remaining() / 28) return corrupt("tensor count " + std::to_string(s.tensor_count) + " is larger than the file allows");

  uint64_t alignment = 32;
  for (uint64_t i = 0; i < s.kv_count; ++i) {
    std::string key;
    uint32_t type;
    if (!r.String(&key) || !r.Get(&type)) return corrupt("key/value " + std::to_string(i) + " ends early");
    if (type >= kTypeCount) return corrupt("key '" + key + "' has unknown type " + std::to_string(type));
    if (type == kString) {
      std::string value;
      if (!r.String(&value)) return corrupt("value of '" + key + "' ends early");
      if (key == "general.architecture") s.architecture = value;
    } else if (type == kArray) {
      uint32_t elem;
      uint64_t n;
      if (!r.Get(&elem) || !r.Get(&n)) return corrupt("array '" + key + "' ends early");
      if (elem == kString) {
        if (n > r.remaining() / 8) return corrupt("array '" + key + "' has more strings than the file holds");
        for (uint64_t j = 0; j < n; ++j) {
          if (!r.String(nullptr)) return corrupt("array '" + key + "' ends early");
        }
      } else {
        uint64_t size = ScalarSize(elem), bytes;
        if (size == 0) return corrupt("array '" + key + "' has unsupported element type " + std::to_string(elem));
        if (!CheckedMul(size, n, &bytes) || !r.Skip(bytes)) return corrupt("array '" + key + "' ends early");
      }
    } else {
      uint64_t size = ScalarSize(type);
      if (key == "general.alignment" && type == kU32) {
        uint32_t a;
        if (!r.Get(&a)) return corrupt("value of '" + key + "' ends early");
        if (a == 0 || (a & (a - 1)) != 0) return corrupt("alignment " + std::to_string(a) + " is not a power of two");
        alignment = a;
      } else if (!r.Skip(size)) {
        return corrupt("value of '" + key + "' ends early");
      }
    }
  }

  struct TensorExtent {
    uint64_t offset, bytes;
    std::string name;
  };
  std::vector<TensorExtent> extents;
  extents.reserve(s.tensor_count);
  for (uint64_t i = 0; i < s.tensor_count; ++i) {
    std::string tname;
    uint32_t n_dims, type;
    if (!r.String(&tname, 1024) || !r.Get(&n_dims)) return corrupt("tensor info " + std::to_string(i) + " ends early");
    if (n_dims == 0 || n_dims > GGML_MAX_DIMS) return corrupt("tensor '" + tname + "' has " + std::to_string(n_dims) + " dimensions");
    uint64_t ne[GGML_MAX_DIMS] = {1, 1, 1, 1};
    uint64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      if (!r.Get(&ne[d])) return corrupt("tensor '" + tname + "' ends early");
      if (ne[d] > static_cast<uint64_t>(INT64_MAX) || !CheckedMul(elements, ne[d], &elements) ||
          elements > static_cast<uint64_t>(INT64_MAX)) {
        return corrupt("tensor '" + tname + "' has an absurd shape");
      }
    }
    uint64_t offset;
    if (!r.Get(&type) || !r.Get(&offset)) return corrupt("tensor '" + tname + "' ends early");
    if (type >= GGML_TYPE_COUNT) return corrupt("tensor '" + tname + "' has unknown type " + std::to_string(type));
    const auto gtype = static_cast<ggml_type>(type);
    const uint64_t block = static_cast<uint64_t>(ggml_blck_size(gtype));
    const uint64_t type_size = ggml_type_size(gtype);
    if (block == 0 || type_size == 0) return corrupt("tensor '" + tname + "' uses a removed type " + std::to_string(type));
    if (ne[0] % block != 0) return corrupt("tensor '" + tname + "' row size is not a multiple of its block size");
    uint64_t bytes;
    if (!CheckedMul(elements / block, type_size, &bytes)) return corrupt("tensor '" + tname + "' is too large");
    if (offset % alignment != 0) return corrupt("tensor '" + tname + "' is misaligned");
    extents.push_back({offset, bytes, std::move(tname)});
  }

  uint64_t data_offset = r.pos();
  if (data_offset % alignment) data_offset += alignment - data_offset % alignment;
  s.data_offset = data_offset;
  if (s.tensor_count > 0 && data_offset > s.file_size) return corrupt("tensor data is missing");
  const uint64_t data_size = s.tensor_count > 0 ? s.file_size - data_offset : 0;
  for (const auto& t : extents) {
    if (t.offset > data_size || t.bytes > data_size - t.offset) {
      return corrupt("tensor '" + t.name + "' data extends past the end of the file");
    }
  }
  return s;
}

}  // namespace suanli::engine
