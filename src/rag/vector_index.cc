#include "rag/vector_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>

#include "base/sha256.h"
#include "rag/embedding.h"

namespace suanli::rag {

namespace {

using FaissId = faiss::Index::idx_t;

constexpr char kMagic[8] = {'S', 'L', 'V', 'E', 'C', 'I', 'X', '1'};
constexpr uint32_t kFormatVersion = 1;

// Fixed-size file header in host (little-endian) byte order.
struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t kind;
  int64_t generation;
  uint64_t count;
  uint64_t dimension;
  char payload_sha256[64];
};
static_assert(sizeof(FileHeader) == 104, "unexpected header padding");

Status FaissError(std::string_view what, const std::exception& e) {
  // FAISS messages name source files, not user data; keep only the gist.
  std::string detail = e.what();
  const auto pos = detail.find("Error: ");
  if (pos != std::string::npos) detail = detail.substr(pos + 7);
  if (detail.size() > 200) detail.resize(200);
  return InternalError("vector index: " + std::string(what) + " failed: " + detail);
}

// Writes `head` then `body` to a temp file beside `path` and renames it into
// place: a reader sees the old file or the new one, never a mix. Nothing is
// fsynced: the file is a cache that Load checks (checksum, generation, ids)
// against SQLite, and a file a crash left short or stale is rebuilt, so a
// flush per ingest would buy nothing but latency.
Status WriteReplacing(const std::string& path, std::string_view head, std::string_view body) {
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError(std::string("cannot write the vector index: ") + std::strerror(errno));
  int err = 0;
  for (std::string_view part : {head, body}) {
    while (!part.empty() && err == 0) {
      const ssize_t n = ::write(fd, part.data(), part.size());
      if (n < 0 && errno != EINTR) err = errno;
      if (n > 0) part.remove_prefix(static_cast<size_t>(n));
    }
  }
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return InternalError(std::string("cannot write the vector index: ") + std::strerror(err));
  }
  return OkStatus();
}

}  // namespace

const char* IndexKindName(IndexKind kind) { return kind == IndexKind::kHnsw ? "hnsw" : "flat"; }

IndexKind IndexKindFor(size_t count, const VectorIndexOptions& options) {
  return options.hnsw_threshold > 0 && count >= options.hnsw_threshold ? IndexKind::kHnsw : IndexKind::kFlat;
}

void SortAndTruncate(std::vector<ScoredId>& hits, size_t k) {
  std::sort(hits.begin(), hits.end(), [](const ScoredId& a, const ScoredId& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (hits.size() > k) hits.resize(k);
}

struct VectorIndex::Impl {
  std::unique_ptr<faiss::IndexIDMap2> map;
};

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl, size_t dimension, IndexKind kind,
                         const VectorIndexOptions& options)
    : impl_(std::move(impl)), dimension_(dimension), kind_(kind), options_(options) {}

VectorIndex::~VectorIndex() = default;

StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Build(size_t dimension, IndexKind kind,
                                                          const std::vector<int64_t>& ids,
                                                          const std::vector<float>& vectors,
                                                          const VectorIndexOptions& options) {
  if (dimension == 0 || vectors.size() != ids.size() * dimension) {
    return InternalError("vector index: vectors do not match their ids");
  }
  auto impl = std::make_unique<Impl>();
  try {
    std::unique_ptr<faiss::Index> inner;
    if (kind == IndexKind::kHnsw) {
      auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(static_cast<int>(dimension), std::max(4, options.hnsw_m),
                                                          faiss::METRIC_INNER_PRODUCT);
      hnsw->hnsw.efConstruction = std::max(16, options.hnsw_ef_construction);
      hnsw->hnsw.efSearch = std::max(64, options.hnsw_ef_search);
      inner = std::move(hnsw);
    } else {
      inner = std::make_unique<faiss::IndexFlatIP>(static_cast<FaissId>(dimension));
    }
    impl->map = std::make_unique<faiss::IndexIDMap2>(inner.get());
    inner.release();
    impl->map->own_fields = true;
  } catch (const std::exception& e) {
    return FaissError("creating an index", e);
  }
  std::unique_ptr<VectorIndex> index(new VectorIndex(std::move(impl), dimension, kind, options));
  if (!ids.empty()) RETURN_IF_ERROR(index->Add(ids, vectors));
  return index;
}

StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::string& path, const VectorIndexOptions& options,
                                                         int64_t* generation) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("the vector index file is missing");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InternalError("the vector index file cannot be read");
  FileHeader header;
  if (bytes.size() < sizeof(header)) return InternalError("the vector index file is truncated");
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0 || header.version != kFormatVersion ||
      header.kind > 1 || header.dimension == 0) {
    return InternalError("the vector index file is not a suanli vector index");
  }
  const std::string_view payload = std::string_view(bytes).substr(sizeof(header));
  if (Sha256Hex(payload) != std::string_view(header.payload_sha256, 64)) {
    return InternalError("the vector index file is corrupt (checksum mismatch)");
  }
  const IndexKind kind = header.kind == 1 ? IndexKind::kHnsw : IndexKind::kFlat;
  auto impl = std::make_unique<Impl>();
  try {
    faiss::VectorIOReader reader;
    reader.data.assign(payload.begin(), payload.end());
    std::unique_ptr<faiss::Index> read(faiss::read_index(&reader));
    auto* map = dynamic_cast<faiss::IndexIDMap2*>(read.get());
    if (map == nullptr || map->index == nullptr) return InternalError("the vector index file has an unexpected type");
    const bool inner_ok = kind == IndexKind::kHnsw ? dynamic_cast<faiss::IndexHNSWFlat*>(map->index) != nullptr
                                                   : dynamic_cast<faiss::IndexFlatIP*>(map->index) != nullptr;
    if (!inner_ok || map->metric_type != faiss::METRIC_INNER_PRODUCT ||
        static_cast<uint64_t>(map->d) != header.dimension || static_cast<uint64_t>(map->ntotal) != header.count ||
        map->id_map.size() != header.count) {
      return InternalError("the vector index file does not match its header");
    }
    read.release();
    impl->map.reset(map);
  } catch (const std::exception& e) {
    return FaissError("reading the index file", e);
  }
  *generation = header.generation;
  return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl), header.dimension, kind, options));
}

Status VectorIndex::Save(const std::string& path, int64_t generation) const {
  faiss::VectorIOWriter writer;
  try {
    faiss::write_index(impl_->map.get(), &writer);
  } catch (const std::exception& e) {
    return FaissError("serialising the index", e);
  }
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.version = kFormatVersion;
  header.kind = kind_ == IndexKind::kHnsw ? 1 : 0;
  header.generation = generation;
  header.count = static_cast<uint64_t>(impl_->map->ntotal);
  header.dimension = dimension_;
  const std::string_view payload(reinterpret_cast<const char*>(writer.data.data()), writer.data.size());
  const std::string digest = Sha256Hex(payload);
  std::memcpy(header.payload_sha256, digest.data(), sizeof(header.payload_sha256));
  return WriteReplacing(path, std::string_view(reinterpret_cast<const char*>(&header), sizeof(header)), payload);
}

Status VectorIndex::Add(const std::vector<int64_t>& ids, const std::vector<float>& vectors) {
  if (vectors.size() != ids.size() * dimension_) return InternalError("vector index: vectors do not match their ids");
  if (ids.empty()) return OkStatus();
  std::vector<FaissId> faiss_ids(ids.begin(), ids.end());
  try {
    impl_->map->add_with_ids(static_cast<FaissId>(ids.size()), vectors.data(), faiss_ids.data());
  } catch (const std::exception& e) {
    return FaissError("adding vectors", e);
  }
  return OkStatus();
}

Status VectorIndex::Remove(const std::vector<int64_t>& ids) {
  if (ids.empty()) return OkStatus();
  if (!CanRemove()) return InternalError("vector index: this index kind cannot remove vectors");
  std::vector<FaissId> faiss_ids(ids.begin(), ids.end());
  try {
    faiss::IDSelectorBatch selector(faiss_ids.size(), faiss_ids.data());
    impl_->map->remove_ids(selector);
  } catch (const std::exception& e) {
    return FaissError("removing vectors", e);
  }
  return OkStatus();
}

StatusOr<std::vector<ScoredId>> VectorIndex::Search(const float* query, size_t k,
                                                    const std::vector<int64_t>* allowed) const {
  const faiss::IndexIDMap2& map = *impl_->map;
  const size_t total = static_cast<size_t>(map.ntotal);
  k = std::min(k, allowed != nullptr ? std::min(total, allowed->size()) : total);
  if (k == 0) return std::vector<ScoredId>();

  // IndexIDMap2 takes no search parameters in this FAISS version, so the
  // inner index is searched with a bitmap over its own positions.
  std::vector<uint8_t> bitmap;
  std::unique_ptr<faiss::IDSelectorBitmap> selector;
  if (allowed != nullptr) {
    bitmap.assign((total + 7) / 8, 0);
    for (int64_t id : *allowed) {
      auto it = map.rev_map.find(id);
      if (it != map.rev_map.end()) bitmap[it->second >> 3] |= static_cast<uint8_t>(1u << (it->second & 7));
    }
    selector = std::make_unique<faiss::IDSelectorBitmap>(total, bitmap.data());
  }
  faiss::SearchParametersHNSW hnsw_params;
  faiss::SearchParameters flat_params;
  const faiss::SearchParameters* params = nullptr;
  if (kind_ == IndexKind::kHnsw) {
    hnsw_params.efSearch = std::max<int>({64, options_.hnsw_ef_search, static_cast<int>(k)});
    hnsw_params.sel = selector.get();
    params = &hnsw_params;
  } else if (selector != nullptr) {
    flat_params.sel = selector.get();
    params = &flat_params;
  }
  std::vector<float> distances(k);
  std::vector<FaissId> labels(k, -1);
  try {
    map.index->search(1, query, static_cast<FaissId>(k), distances.data(), labels.data(), params);
  } catch (const std::exception& e) {
    return FaissError("searching", e);
  }
  std::vector<ScoredId> hits;
  for (size_t i = 0; i < k; ++i) {
    if (labels[i] < 0 || static_cast<size_t>(labels[i]) >= map.id_map.size()) continue;
    hits.push_back({static_cast<int64_t>(map.id_map[labels[i]]), distances[i]});
  }
  SortAndTruncate(hits, k);
  return hits;
}

std::vector<ScoredId> VectorIndex::ExactSearch(const float* query, size_t k, const std::vector<int64_t>& ids) const {
  std::vector<ScoredId> hits;
  hits.reserve(ids.size());
  std::vector<float> v(dimension_);
  for (int64_t id : ids) {
    if (Reconstruct(id, v.data())) hits.push_back({id, Dot(query, v.data(), dimension_)});
  }
  SortAndTruncate(hits, k);
  return hits;
}

bool VectorIndex::Reconstruct(int64_t id, float* out) const {
  const faiss::IndexIDMap2& map = *impl_->map;
  auto it = map.rev_map.find(id);
  if (it == map.rev_map.end()) return false;
  try {
    map.index->reconstruct(it->second, out);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

size_t VectorIndex::size() const { return static_cast<size_t>(impl_->map->ntotal); }

std::vector<int64_t> VectorIndex::Ids() const {
  std::vector<int64_t> ids(impl_->map->id_map.begin(), impl_->map->id_map.end());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace suanli::rag
