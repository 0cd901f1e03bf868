// Quantization in a child process: `suanli quantize` (hidden) runs
// llama.cpp's quantizer on one file and reports progress on its stdout, so a
// hostile or broken model ends that process, never the server. The child
// ends itself when its parent goes away.
// Thread-safety: QuantizeInChild may run concurrently from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"

namespace suanli::runner {

struct QuantizeJob {
  std::string executable;  // the suanli binary; empty = this process's binary
  std::string input;       // F16/BF16/F32 GGUF
  std::string output;      // where the child writes the result
  std::string type;        // "Q4_K_M", "Q4_K_S", "Q8_0", "F16", "BF16", "F32"
  int threads = 0;         // 0 = all cores
};

// Runs the job and waits for it. `progress` (may be empty) receives
// (completed, total) input bytes as the child reports them. Returns the
// child's own error (its last "error: " line, with the status code its exit
// code carries), or Internal when it was killed or ended without a reason.
Status QuantizeInChild(const QuantizeJob& job, const std::function<void(uint64_t, uint64_t)>& progress);

// The child's side: the line that reports progress ("progress <done> <total>").
std::string QuantizeProgressLine(uint64_t completed, uint64_t total);

}  // namespace suanli::runner
