#include "tensor_data.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace suanli::tools {
namespace {

constexpr float kWeightStd = 0.02f;
// Values per PRNG chunk (whole rows); fixed so output never depends on threads.
constexpr int64_t kChunkValues = 1 << 16;
// Converted bytes buffered before handing a window to the sink.
constexpr size_t kWindowBytes = 32u << 20;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t NameHash(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// N(0, stddev) values by the Box-Muller transform on a SplitMix64 stream:
// about 2.5x faster than std::normal_distribution<float> over mt19937_64,
// which matters for the 494M-value presets. Tails reach about 6.6 sigma.
void FillNormal(uint64_t state, float stddev, float* out, int64_t n) {
  constexpr float kTwoPi = 6.28318530717958647692f;
  for (int64_t i = 0; i < n; i += 2) {
    state += 0x9e3779b97f4a7c15ULL;
    const uint64_t bits = SplitMix64(state);
    const float u1 = static_cast<float>((bits >> 32) + 1) * 0x1p-32f;  // (0, 1]
    const float u2 = static_cast<float>(bits & 0xffffffffu) * 0x1p-32f;
    const float radius = stddev * std::sqrt(-2.0f * std::log(u1));
    const float angle = kTwoPi * u2;
    out[i] = radius * std::cos(angle);
    if (i + 1 < n) out[i + 1] = radius * std::sin(angle);
  }
}

void FillValues(const TensorSpec& t, uint64_t chunk_seed, float* out, int64_t n) {
  switch (t.init) {
    case TensorInit::kOnes: std::fill(out, out + n, 1.0f); return;
    case TensorInit::kZeros: std::fill(out, out + n, 0.0f); return;
    case TensorInit::kNormal: FillNormal(chunk_seed, kWeightStd, out, n); return;
  }
}

}  // namespace

Status GenerateTensor(const TensorSpec& t, uint64_t seed, int n_threads,
                      const ByteSink& sink) {
  if (t.ne0 <= 0 || t.ne1 <= 0 || t.ne0 % ggml_blck_size(t.type) != 0) {
    return InternalError("tensor " + t.name + " has a shape its type " +
                         ggml_type_name(t.type) + " cannot hold");
  }
  const size_t row_bytes = ggml_row_size(t.type, t.ne0);
  const int64_t rows_per_chunk = std::max<int64_t>(1, kChunkValues / t.ne0);
  const int64_t n_chunks = (t.ne1 + rows_per_chunk - 1) / rows_per_chunk;
  const size_t chunk_bytes = row_bytes * rows_per_chunk;
  const int64_t chunks_per_window =
      std::max<int64_t>(1, static_cast<int64_t>(kWindowBytes / chunk_bytes));
  const uint64_t tensor_seed = SplitMix64(SplitMix64(seed) ^ NameHash(t.name));
  ggml_quantize_init(t.type);  // thread-safe no-op for most types

  std::vector<uint8_t> out;
  for (int64_t first = 0; first < n_chunks; first += chunks_per_window) {
    const int64_t count = std::min(chunks_per_window, n_chunks - first);
    const int64_t first_row = first * rows_per_chunk;
    const int64_t window_rows =
        std::min(t.ne1, (first + count) * rows_per_chunk) - first_row;
    out.resize(static_cast<size_t>(window_rows) * row_bytes);

    std::atomic<int64_t> next{0};
    auto worker = [&]() {
      std::vector<float> values(static_cast<size_t>(rows_per_chunk * t.ne0));
      for (int64_t c; (c = next.fetch_add(1)) < count;) {
        const int64_t chunk = first + c;
        const int64_t row = chunk * rows_per_chunk;
        const int64_t rows = std::min(rows_per_chunk, t.ne1 - row);
        FillValues(t, SplitMix64(tensor_seed ^ static_cast<uint64_t>(chunk)),
                   values.data(), rows * t.ne0);
        ggml_quantize_chunk(t.type, values.data(),
                            out.data() + (row - first_row) * row_bytes, 0,
                            rows, t.ne0, nullptr);
      }
    };
    const int threads = static_cast<int>(
        std::min<int64_t>(std::max(1, n_threads), count));
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
    worker();
    for (std::thread& th : pool) th.join();

    RETURN_IF_ERROR(sink(out.data(), out.size()));
  }
  return OkStatus();
}

}  // namespace suanli::tools
