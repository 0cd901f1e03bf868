#include "base/gguf_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace suanli {

namespace {

enum GgufType : uint32_t {
  kU8 = 0, kI8, kU16, kI16, kU32, kI32, kF32, kBool, kString, kArray, kU64, kI64, kF64, kTypeCount
};
constexpr uint32_t kMaxDims = 4;

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

bool CheckedMul(uint64_t a, uint64_t b, uint64_t* out) { return !__builtin_mul_overflow(a, b, out); }

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
    if (n <= sizeof(scratch_)) return Read(scratch_, n);  // stays in stdio's buffer
    if (std::fseek(file_, static_cast<long>(n), SEEK_CUR) != 0) return false;
    pos_ += n;
    return true;
  }
  template <typename T>
  bool Get(T* v) { return Read(v, sizeof(T)); }
  // A GGUF string (u64 length, bytes); keeps at most `keep` bytes.
  bool String(std::string* out, uint64_t keep = 1 << 20) {
    uint64_t len;
    if (!Get(&len) || len > remaining()) return false;
    if (out && len <= keep) {
      out->resize(len);
      return Read(out->data(), len);
    }
    return Skip(len);
  }
  // One scalar of `type` as a GgufValue.
  bool Scalar(uint32_t type, GgufValue* out) {
    union {
      uint8_t u8; int8_t i8; uint16_t u16; int16_t i16; uint32_t u32; int32_t i32;
      float f32; uint64_t u64; int64_t i64; double f64;
    } v{};
    if (!Read(&v, ScalarSize(type))) return false;
    switch (type) {
      case kU8: *out = uint64_t{v.u8}; break;
      case kI8: *out = int64_t{v.i8}; break;
      case kU16: *out = uint64_t{v.u16}; break;
      case kI16: *out = int64_t{v.i16}; break;
      case kU32: *out = uint64_t{v.u32}; break;
      case kI32: *out = int64_t{v.i32}; break;
      case kF32: *out = v.f32; break;
      case kBool: *out = v.u8 != 0; break;
      case kU64: *out = v.u64; break;
      case kI64: *out = v.i64; break;
      case kF64: *out = v.f64; break;
      default: return false;
    }
    return true;
  }

 private:
  FILE* file_;
  uint64_t size_;
  uint64_t pos_ = 0;
  char scratch_[4096];
};

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

std::string GgufFile::String(const std::string& key, const std::string& fallback) const {
  auto it = kv.find(key);
  if (it == kv.end()) return fallback;
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  return fallback;
}

uint64_t GgufFile::Unsigned(const std::string& key, uint64_t fallback) const {
  auto it = kv.find(key);
  if (it == kv.end()) return fallback;
  if (auto* u = std::get_if<uint64_t>(&it->second)) return *u;
  if (auto* i = std::get_if<int64_t>(&it->second)) return *i < 0 ? fallback : static_cast<uint64_t>(*i);
  return fallback;
}

uint64_t GgufFile::ArrayCount(const std::string& key) const {
  auto it = kv.find(key);
  if (it == kv.end()) return 0;
  if (auto* a = std::get_if<GgufArrayInfo>(&it->second)) return a->count;
  return 0;
}

StatusOr<GgufFile> ReadGguf(const std::string& path) {
  const std::string name = BaseName(path);
  auto corrupt = [&](const std::string& what) {
    return InvalidArgumentError("model file '" + name + "' is truncated or corrupt: " + what);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFoundError("model file '" + name + "' not found");
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError("model file '" + name + "' is not a regular file");
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return InvalidArgumentError("model file '" + name + "' cannot be opened: " + std::strerror(errno));

  GgufFile g;
  g.file_size = static_cast<uint64_t>(st.st_size);
  BoundedReader r(file.get(), g.file_size);
  char magic[4];
  if (!r.Read(magic, 4) || std::memcmp(magic, "GGUF", 4) != 0) {
    return InvalidArgumentError("'" + name + "' is not a GGUF model file");
  }
  uint64_t tensor_count = 0, kv_count = 0;
  if (!r.Get(&g.version)) return corrupt("header ends early");
  if (g.version < 2 || g.version > 3) {
    return InvalidArgumentError("'" + name + "' uses GGUF version " + std::to_string(g.version) +
                                ", which is not supported (2 or 3 expected)");
  }
  if (!r.Get(&tensor_count) || !r.Get(&kv_count)) return corrupt("header ends early");
  // Every key/value pair needs at least 12 bytes and every tensor info 28.
  if (kv_count > r.remaining() / 12) return corrupt("key/value count " + std::to_string(kv_count) + " is larger than the file allows");
  if (tensor_count > r.remaining() / 28) return corrupt("tensor count " + std::to_string(tensor_count) + " is larger than the file allows");

  for (uint64_t i = 0; i < kv_count; ++i) {
    std::string key;
    uint32_t type;
    if (!r.String(&key, 1 << 16) || !r.Get(&type)) return corrupt("key/value " + std::to_string(i) + " ends early");
    if (type >= kTypeCount) return corrupt("key '" + key + "' has unknown type " + std::to_string(type));
    if (type == kString) {
      std::string value;
      if (!r.String(&value)) return corrupt("value of '" + key + "' ends early");
      g.kv[key] = std::move(value);
    } else if (type == kArray) {
      GgufArrayInfo a;
      if (!r.Get(&a.element_type) || !r.Get(&a.count)) return corrupt("array '" + key + "' ends early");
      if (a.element_type == kString) {
        if (a.count > r.remaining() / 8) return corrupt("array '" + key + "' has more strings than the file holds");
        for (uint64_t j = 0; j < a.count; ++j) {
          if (!r.String(nullptr, 0)) return corrupt("array '" + key + "' ends early");
        }
      } else {
        uint64_t size = ScalarSize(a.element_type), bytes;
        if (size == 0) return corrupt("array '" + key + "' has unsupported element type " + std::to_string(a.element_type));
        if (!CheckedMul(size, a.count, &bytes) || !r.Skip(bytes)) return corrupt("array '" + key + "' ends early");
      }
      g.kv[key] = a;
    } else {
      GgufValue v;
      if (!r.Scalar(type, &v)) return corrupt("value of '" + key + "' ends early");
      g.kv[key] = v;
    }
  }
  if (auto it = g.kv.find("general.alignment"); it != g.kv.end()) {
    const uint64_t a = g.Unsigned("general.alignment", 0);
    if (a == 0 || (a & (a - 1)) != 0) return corrupt("alignment " + std::to_string(a) + " is not a power of two");
    g.alignment = a;
  }

  g.tensors.reserve(tensor_count);
  for (uint64_t i = 0; i < tensor_count; ++i) {
    GgufTensorInfo t;
    uint32_t n_dims;
    if (!r.String(&t.name, 1024) || !r.Get(&n_dims)) return corrupt("tensor info " + std::to_string(i) + " ends early");
    if (n_dims == 0 || n_dims > kMaxDims) return corrupt("tensor '" + t.name + "' has " + std::to_string(n_dims) + " dimensions");
    t.elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      uint64_t ne;
      if (!r.Get(&ne)) return corrupt("tensor '" + t.name + "' ends early");
      if (ne > static_cast<uint64_t>(INT64_MAX) || !CheckedMul(t.elements, ne, &t.elements) ||
          t.elements > static_cast<uint64_t>(INT64_MAX)) {
        return corrupt("tensor '" + t.name + "' has an absurd shape");
      }
      t.dims.push_back(ne);
    }
    if (!r.Get(&t.type) || !r.Get(&t.offset)) return corrupt("tensor '" + t.name + "' ends early");
    if (t.offset % g.alignment != 0) return corrupt("tensor '" + t.name + "' is misaligned");
    g.tensors.push_back(std::move(t));
  }
  uint64_t data_offset = r.pos();
  if (data_offset % g.alignment) data_offset += g.alignment - data_offset % g.alignment;
  if (!g.tensors.empty() && data_offset > g.file_size) return corrupt("tensor data is missing");
  g.data_offset = data_offset;
  return g;
}

}  // namespace suanli
