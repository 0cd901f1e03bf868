#include "rag/embedding.h"

#include <faiss/utils/distances.h>

#include <cmath>
#include <cstring>

namespace suanli::rag {

Status NormalizeEmbedding(std::vector<float>& v, size_t dimension, std::string_view what) {
  if (v.empty()) return InvalidArgumentError(std::string(what) + " is empty; check the embedding model");
  if (dimension > 0 && v.size() != dimension) {
    return InvalidArgumentError(std::string(what) + " has " + std::to_string(v.size()) +
                                " dimensions but the collection stores " + std::to_string(dimension) +
                                "; use the collection's embedding model");
  }
  double norm2 = 0;
  for (float x : v) {
    if (!std::isfinite(x)) {
      return InvalidArgumentError(std::string(what) + " contains NaN or infinite values; check the embedding model");
    }
    norm2 += static_cast<double>(x) * x;
  }
  if (!(norm2 > 0) || !std::isfinite(norm2)) {
    return InvalidArgumentError(std::string(what) + " is all zeros; check the embedding model");
  }
  // By hand: faiss::fvec_renorm_L2 opens an OpenMP parallel region even for
  // one vector, and the team's idle threads then spin on the CPU that the
  // embedding model (or the next search) needs.
  const double scale = 1.0 / std::sqrt(norm2);
  for (float& x : v) x = static_cast<float>(x * scale);
  for (float x : v) {
    if (!std::isfinite(x)) {
      return InvalidArgumentError(std::string(what) + " has values too large to normalise; check the embedding model");
    }
  }
  return OkStatus();
}

std::string EmbeddingToBlob(const float* v, size_t dimension) {
  static_assert(sizeof(float) == 4, "float32 expected");
  std::string blob(dimension * sizeof(float), '\0');
  std::memcpy(blob.data(), v, blob.size());  // little-endian hosts only (x86-64, arm64)
  return blob;
}

bool EmbeddingFromBlob(std::string_view blob, size_t dimension, float* out) {
  if (dimension == 0 || blob.size() != dimension * sizeof(float)) return false;
  std::memcpy(out, blob.data(), blob.size());
  return true;
}

double Dot(const float* a, const float* b, size_t dimension) {
  return faiss::fvec_inner_product(a, b, dimension);
}

}  // namespace suanli::rag
