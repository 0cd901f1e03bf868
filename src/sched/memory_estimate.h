// Memory estimates used to size runners: KV-cache bytes per slot from a GGUF
// file's hyper-parameters, the system's available memory, and the automatic
// slot count. Pure functions except AvailableMemoryBytes (reads /proc).
#pragma once

#include <cstdint>
#include <string>

namespace suanli::sched {

struct ModelFootprint {
  uint64_t file_bytes = 0;
  uint64_t kv_bytes_per_token = 0;  // f16 K and V over all layers
  bool embedding = false;           // an encoder with pooling (one slot)
};

// Reads what is needed from the GGUF header; zeros when the file is unreadable.
ModelFootprint EstimateFootprint(const std::string& gguf_path);

// MemAvailable from /proc/meminfo (0 when unknown).
uint64_t AvailableMemoryBytes();

// 4 slots when the model plus 4 slots of `num_ctx` fit in half the available
// memory, else 2, else 1; embedding models always get 1.
int AutoParallel(const ModelFootprint& fp, int num_ctx, uint64_t available_bytes);

}  // namespace suanli::sched
