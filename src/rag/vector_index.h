// The FAISS side of a collection: inner product over L2-normalised float32
// vectors, keyed by chunk id (IndexIDMap2). Below a size threshold the index
// is exact (IndexFlatIP); at or above it, HNSW (IndexHNSWFlat), which cannot
// remove vectors: callers rebuild it instead (CanRemove()). The file form is
// our header (magic, generation, vector count, SHA-256 of the payload) plus
// FAISS's own serialisation, written crash-safely. Every FAISS exception is
// caught here and becomes a Status.
// Thread-safety: const methods may run concurrently; mutations need
// exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace suanli::rag {

enum class IndexKind { kFlat, kHnsw };
const char* IndexKindName(IndexKind kind);

struct VectorIndexOptions {
  size_t hnsw_threshold = 50000;  // 0: never HNSW
  int hnsw_m = 32;
  int hnsw_ef_construction = 64;
  int hnsw_ef_search = 64;
};

// The kind an index holding `count` vectors should have.
IndexKind IndexKindFor(size_t count, const VectorIndexOptions& options);

struct ScoredId {
  int64_t id;
  double score;  // inner product = cosine of normalised vectors (or another side's score)
};

class VectorIndex {
 public:
  // An index of `kind` over `ids` (n) and `vectors` (n * dimension floats,
  // already normalised).
  static StatusOr<std::unique_ptr<VectorIndex>> Build(size_t dimension, IndexKind kind,
                                                      const std::vector<int64_t>& ids,
                                                      const std::vector<float>& vectors,
                                                      const VectorIndexOptions& options);
  // Reads a file written by Save. NotFound when it is missing; Internal when
  // it is unreadable, corrupt or not an index of ours. `*generation` gets
  // the generation stored with it.
  static StatusOr<std::unique_ptr<VectorIndex>> Load(const std::string& path, const VectorIndexOptions& options,
                                                     int64_t* generation);
  ~VectorIndex();

  // Writes the index to `path` atomically (temp file in the same folder,
  // renamed into place) with `generation` in its header. Not fsynced: the
  // file is a cache of SQLite that Load validates, and one a crash left
  // short or stale is rebuilt.
  Status Save(const std::string& path, int64_t generation) const;

  Status Add(const std::vector<int64_t>& ids, const std::vector<float>& vectors);
  bool CanRemove() const { return kind_ == IndexKind::kFlat; }
  // REQUIRES: CanRemove().
  Status Remove(const std::vector<int64_t>& ids);

  // The best `k` vectors by inner product with `query`; only ids in
  // `allowed` (sorted) when it is non-null. HNSW may return fewer than k.
  StatusOr<std::vector<ScoredId>> Search(const float* query, size_t k, const std::vector<int64_t>* allowed) const;
  // Exact scan over `ids` (those not in the index are skipped).
  std::vector<ScoredId> ExactSearch(const float* query, size_t k, const std::vector<int64_t>& ids) const;
  // Copies vector `id` into `out` (dimension floats); false when absent.
  bool Reconstruct(int64_t id, float* out) const;

  size_t dimension() const { return dimension_; }
  size_t size() const;
  IndexKind kind() const { return kind_; }
  // Every id in the index, sorted.
  std::vector<int64_t> Ids() const;

 private:
  struct Impl;
  VectorIndex(std::unique_ptr<Impl> impl, size_t dimension, IndexKind kind, const VectorIndexOptions& options);
  std::unique_ptr<Impl> impl_;
  size_t dimension_;
  IndexKind kind_;
  VectorIndexOptions options_;
};

// Keeps the best `k` of `hits` (highest score first; ties by lower id).
void SortAndTruncate(std::vector<ScoredId>& hits, size_t k);

}  // namespace suanli::rag
