#include "sched/memory_estimate.h"

#include <fstream>

#include "base/gguf_reader.h"

namespace suanli::sched {

ModelFootprint EstimateFootprint(const std::string& gguf_path) {
  ModelFootprint fp;
  auto file = ReadGguf(gguf_path);
  if (!file.ok()) return fp;
  fp.file_bytes = file->file_size;
  const std::string arch = file->String("general.architecture");
  const uint64_t layers = file->Unsigned(arch + ".block_count");
  const uint64_t embd = file->Unsigned(arch + ".embedding_length");
  const uint64_t heads = file->Unsigned(arch + ".attention.head_count", 1);
  const uint64_t kv_heads = file->Unsigned(arch + ".attention.head_count_kv", heads);
  const uint64_t head_dim = heads ? embd / heads : embd;
  fp.kv_bytes_per_token = 2 /*K and V*/ * layers * kv_heads * head_dim * 2 /*f16*/;
  auto causal = file->kv.find(arch + ".attention.causal");
  fp.embedding = file->kv.count(arch + ".pooling_type") > 0 ||
                 (causal != file->kv.end() && std::holds_alternative<bool>(causal->second) &&
                  !std::get<bool>(causal->second));
  return fp;
}

uint64_t AvailableMemoryBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  uint64_t value = 0;
  while (in >> key >> value >> unit) {
    if (key == "MemAvailable:") return value * 1024;
  }
  return 0;
}

int AutoParallel(const ModelFootprint& fp, int num_ctx, uint64_t available_bytes) {
  if (fp.embedding) return 1;
  if (available_bytes == 0) return 1;
  for (int slots : {4, 2}) {
    const uint64_t need = fp.file_bytes + fp.kv_bytes_per_token * static_cast<uint64_t>(num_ctx) * slots;
    if (need <= available_bytes / 2) return slots;
  }
  return 1;
}

}  // namespace suanli::sched
