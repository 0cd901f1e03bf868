// Produces a tensor's bytes: values from TensorInit (N(0, 0.02) seeded per
// row chunk, so output is identical for any thread count) converted to the
// tensor's ggml type, streamed in order to a sink a window at a time.
#pragma once

#include <cstdint>
#include <functional>

#include "base/status.h"
#include "model_spec.h"

namespace suanli::tools {

// Receives consecutive pieces of the tensor's data, in file order.
using ByteSink = std::function<Status(const void* data, size_t size)>;

// Generates `tensor` with `seed` and writes ggml_nbytes() bytes to `sink`,
// using up to `n_threads` threads. The tensor's type must divide ne0.
Status GenerateTensor(const TensorSpec& tensor, uint64_t seed, int n_threads,
                      const ByteSink& sink);

}  // namespace suanli::tools
