#include "gguf_writer.h"

#include <memory>
#include <string_view>
#include <type_traits>

#include "atomic_file.h"
#include "ggml-cpp.h"
#include "tensor_data.h"
#include "vocab.h"

namespace suanli::tools {
namespace {

void SetMeta(gguf_context* ctx, const MetaEntry& entry) {
  const char* key = entry.key.c_str();
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, uint32_t>) {
          gguf_set_val_u32(ctx, key, v);
        } else if constexpr (std::is_same_v<T, float>) {
          gguf_set_val_f32(ctx, key, v);
        } else if constexpr (std::is_same_v<T, bool>) {
          gguf_set_val_bool(ctx, key, v);
        } else {
          gguf_set_val_str(ctx, key, v.c_str());
        }
      },
      entry.value);
}

bool IsTokenizerKey(const std::string& key) {
  return std::string_view(key).starts_with("tokenizer.");
}

// Metadata in a readable order: architecture and hparams, the copied
// tokenizer keys, then tokenizer overrides from the spec.
StatusOr<gguf_context_ptr> BuildMetadata(const ModelSpec& spec,
                                         const gguf_context* vocab,
                                         int* n_tokenizer_keys) {
  gguf_context_ptr meta(gguf_init_empty());
  if (!meta) return InternalError("cannot allocate gguf metadata");
  gguf_set_val_str(meta.get(), "general.architecture", spec.arch.c_str());
  for (const MetaEntry& e : spec.metadata) {
    if (!IsTokenizerKey(e.key)) SetMeta(meta.get(), e);
  }
  *n_tokenizer_keys = 0;
  if (vocab != nullptr) {
    ASSIGN_OR_RETURN(*n_tokenizer_keys, CopyTokenizerKeys(vocab, meta.get()));
  }
  for (const MetaEntry& e : spec.metadata) {
    if (IsTokenizerKey(e.key)) SetMeta(meta.get(), e);
  }
  return meta;
}

// Adds tensor infos (no data) to `meta`; the tensors live in `*tensors`.
Status AddTensorInfos(const ModelSpec& spec, gguf_context* meta,
                      ggml_context_ptr* tensors) {
  ggml_init_params params = {
      /*mem_size=*/spec.tensors.size() * ggml_tensor_overhead() + 1024,
      /*mem_buffer=*/nullptr,
      /*no_alloc=*/true,
  };
  tensors->reset(ggml_init(params));
  if (!*tensors) return InternalError("cannot allocate tensor descriptors");
  for (const TensorSpec& t : spec.tensors) {
    if (t.name.size() >= GGML_MAX_NAME) {
      return InternalError("tensor name " + t.name + " is too long");
    }
    if (t.ne0 % ggml_blck_size(t.type) != 0) {
      return InternalError("tensor " + t.name + " row of " +
                           std::to_string(t.ne0) + " does not fit type " +
                           ggml_type_name(t.type));
    }
    if (gguf_find_tensor(meta, t.name.c_str()) >= 0) {
      return InternalError("duplicate tensor " + t.name);
    }
    ggml_tensor* tensor =
        t.n_dims == 1
            ? ggml_new_tensor_1d(tensors->get(), t.type, t.ne0)
            : ggml_new_tensor_2d(tensors->get(), t.type, t.ne0, t.ne1);
    ggml_set_name(tensor, t.name.c_str());
    gguf_add_tensor(meta, tensor);
  }
  return OkStatus();
}

}  // namespace

StatusOr<WriteStats> WriteModel(const ModelSpec& spec, const gguf_context* vocab,
                                const std::string& out_path,
                                const WriteOptions& options) {
  WriteStats stats;
  ASSIGN_OR_RETURN(gguf_context_ptr meta,
                   BuildMetadata(spec, vocab, &stats.n_tokenizer_keys));
  ggml_context_ptr tensors;
  RETURN_IF_ERROR(AddTensorInfos(spec, meta.get(), &tensors));

  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(out_path));
  if (!gguf_write_to_file_ptr(meta.get(), file->stream(), /*only_meta=*/true)) {
    return ResourceExhaustedError("cannot write metadata to output file " + out_path);
  }
  // gguf pads the metadata so that the data section starts aligned.
  const size_t alignment = gguf_get_alignment(meta.get());
  ASSIGN_OR_RETURN(const uint64_t data_offset, file->Position());
  if (data_offset % alignment != 0) {
    return InternalError("unaligned data section in output file " + out_path);
  }

  const ByteSink sink = [&file](const void* data, size_t size) {
    return file->Write(data, size);
  };
  for (size_t i = 0; i < spec.tensors.size(); ++i) {
    const TensorSpec& t = spec.tensors[i];
    ASSIGN_OR_RETURN(const uint64_t pos, file->Position());
    if (pos - data_offset != gguf_get_tensor_offset(meta.get(), i)) {
      return InternalError("tensor " + t.name + " is not at its recorded offset");
    }
    RETURN_IF_ERROR(GenerateTensor(t, options.seed, options.n_threads, sink));
    RETURN_IF_ERROR(file->PadTo(alignment));
  }
  ASSIGN_OR_RETURN(stats.file_bytes, file->Position());
  RETURN_IF_ERROR(file->Commit());

  stats.n_params = ParameterCount(spec);
  stats.n_tensors = static_cast<int>(spec.tensors.size());
  return stats;
}

}  // namespace suanli::tools
