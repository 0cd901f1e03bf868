#include "vocab.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

namespace suanli::tools {
namespace {

constexpr std::string_view kTokenizerPrefix = "tokenizer.";

Status CopyArray(const gguf_context* src, int64_t id, const char* key,
                 gguf_context* dst) {
  const gguf_type arr_type = gguf_get_arr_type(src, id);
  const size_t n = gguf_get_arr_n(src, id);
  if (arr_type == GGUF_TYPE_STRING) {
    std::vector<const char*> items(n);
    for (size_t i = 0; i < n; ++i) items[i] = gguf_get_arr_str(src, id, i);
    gguf_set_arr_str(dst, key, items.data(), n);
    return OkStatus();
  }
  if (arr_type == GGUF_TYPE_ARRAY) {
    return InvalidArgumentError(std::string("nested array in vocab key ") +
                                key + " is not supported");
  }
  gguf_set_arr_data(dst, key, arr_type, gguf_get_arr_data(src, id), n);
  return OkStatus();
}

Status CopyKey(const gguf_context* src, int64_t id, gguf_context* dst) {
  const char* key = gguf_get_key(src, id);
  switch (gguf_get_kv_type(src, id)) {
    case GGUF_TYPE_UINT8: gguf_set_val_u8(dst, key, gguf_get_val_u8(src, id)); break;
    case GGUF_TYPE_INT8: gguf_set_val_i8(dst, key, gguf_get_val_i8(src, id)); break;
    case GGUF_TYPE_UINT16: gguf_set_val_u16(dst, key, gguf_get_val_u16(src, id)); break;
    case GGUF_TYPE_INT16: gguf_set_val_i16(dst, key, gguf_get_val_i16(src, id)); break;
    case GGUF_TYPE_UINT32: gguf_set_val_u32(dst, key, gguf_get_val_u32(src, id)); break;
    case GGUF_TYPE_INT32: gguf_set_val_i32(dst, key, gguf_get_val_i32(src, id)); break;
    case GGUF_TYPE_FLOAT32: gguf_set_val_f32(dst, key, gguf_get_val_f32(src, id)); break;
    case GGUF_TYPE_BOOL: gguf_set_val_bool(dst, key, gguf_get_val_bool(src, id)); break;
    case GGUF_TYPE_STRING: gguf_set_val_str(dst, key, gguf_get_val_str(src, id)); break;
    case GGUF_TYPE_UINT64: gguf_set_val_u64(dst, key, gguf_get_val_u64(src, id)); break;
    case GGUF_TYPE_INT64: gguf_set_val_i64(dst, key, gguf_get_val_i64(src, id)); break;
    case GGUF_TYPE_FLOAT64: gguf_set_val_f64(dst, key, gguf_get_val_f64(src, id)); break;
    case GGUF_TYPE_ARRAY: return CopyArray(src, id, key, dst);
    default:
      return InvalidArgumentError(std::string("vocab key ") + key +
                                  " has an unknown type");
  }
  return OkStatus();
}

}  // namespace

StatusOr<gguf_context_ptr> LoadVocab(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return NotFoundError("vocab file " + path +
                           " not found (use --vocab-dir or SUANLI_VOCAB_DIR)");
    }
    return NotFoundError("cannot read vocab file " + path + ": " +
                         std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return NotFoundError("vocab file " + path + " is not a regular file");
  }
  gguf_init_params params = {/*no_alloc=*/true, /*ctx=*/nullptr};
  gguf_context_ptr ctx(gguf_init_from_file(path.c_str(), params));
  if (!ctx) {
    return InvalidArgumentError("vocab file " + path + " is not a valid gguf file");
  }
  return ctx;
}

int64_t VocabSize(const gguf_context* vocab) {
  const int64_t id = gguf_find_key(vocab, "tokenizer.ggml.tokens");
  if (id < 0 || gguf_get_kv_type(vocab, id) != GGUF_TYPE_ARRAY) return 0;
  return static_cast<int64_t>(gguf_get_arr_n(vocab, id));
}

StatusOr<int> CopyTokenizerKeys(const gguf_context* src, gguf_context* dst) {
  int copied = 0;
  const int64_t n_kv = gguf_get_n_kv(src);
  for (int64_t id = 0; id < n_kv; ++id) {
    if (!std::string_view(gguf_get_key(src, id)).starts_with(kTokenizerPrefix)) {
      continue;
    }
    RETURN_IF_ERROR(CopyKey(src, id, dst));
    ++copied;
  }
  return copied;
}

}  // namespace suanli::tools
