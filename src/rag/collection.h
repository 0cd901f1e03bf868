// A RAG collection: documents split into chunks, stored in SQLite
// (<dir>/collection.db, WAL mode: documents, chunks with their float32
// embeddings, an FTS5 table over chunk text) and searched by keyword (FTS5
// bm25), by vector (FAISS, <dir>/vectors.faiss, rebuilt from SQLite whenever
// it is missing, unreadable or stale) or both (reciprocal rank fusion).
// Embeddings arrive through an EmbedFn; the collection knows nothing about
// models beyond the name and dimension it records.
//
// Thread-safety: every method may be called from any thread at any time.
// Searches and reads run concurrently with each other; writers (AddDocument,
// DeleteDocument) are serialised per collection and block readers only
// while they commit, so a search always sees a whole document or none of it.
// Embedding runs outside every lock. After Close() (the manager deleted the
// collection) every call fails with NotFound; handles stay safe to hold.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>  // std::shared_lock
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "rag/rw_lock.h"
#include "rag/store_options.h"

namespace suanli::rag {

class Database;
class ConnectionPool;
class Transaction;
class VectorIndex;
struct SqlFilter;
struct ScoredId;

// Embeds texts: one vector per text, in order, all of one dimension.
using EmbedFn = std::function<StatusOr<std::vector<std::vector<float>>>(const std::vector<std::string>& texts)>;
// Called after each embedded batch with the chunks embedded so far and the
// total; returning false cancels the ingest (Cancelled, nothing stored).
using ProgressFn = std::function<bool(int64_t chunks_embedded, int64_t chunks_total)>;

struct ChunkInput {
  std::string text;  // UTF-8, not empty
  int64_t start = 0;  // code-point offsets into the document text
  int64_t end = 0;
  nlohmann::json metadata;  // object or null: {"page": 3}, {"heading": "..."}
};

struct DocumentInput {
  std::string source;   // identifies the document in its collection (path, URL, name)
  std::string content;  // whole text, hashed (with metadata) for change detection
  nlohmann::json metadata;  // object or null
  std::vector<ChunkInput> chunks;
};

enum class IngestStatus { kAdded, kUnchanged, kReplaced };
const char* IngestStatusName(IngestStatus status);  // "added", "unchanged", "replaced"

struct IngestResult {
  int64_t document_id;
  int64_t chunks;
  IngestStatus status;
};

struct CollectionConfig {
  std::string embed_model;  // recorded for callers; not interpreted
  int64_t chunk_size = 500;  // recorded chunker settings (code points)
  int64_t chunk_overlap = 80;
};

struct CollectionInfo {
  std::string name;
  std::string embed_model;
  int64_t dimension = 0;  // 0 until the first embedding is stored
  int64_t chunk_size = 0;
  int64_t chunk_overlap = 0;
  int64_t created_at = 0;  // Unix seconds
};

struct CollectionStats {
  CollectionInfo info;
  int64_t documents = 0;
  int64_t chunks = 0;
  std::string index_kind;  // "flat", "hnsw" or "none" before the first vector
};

struct DocumentInfo {
  int64_t id = 0;
  std::string source;
  std::string content_hash;  // sha256 hex
  nlohmann::json metadata;
  int64_t chunks = 0;
  int64_t created_at = 0;  // Unix seconds
  int64_t updated_at = 0;
};

struct SearchRequest {
  std::string query;
  int k = 4;                     // 1..1000
  std::string mode = "hybrid";   // "keyword", "dense" or "hybrid"
  nlohmann::json filter;         // see metadata_filter.h; null = everything
  int fetch_k = 0;               // candidates per side (and for MMR); 0 = max(20, 4k)
  double keyword_weight = 1.0;   // RRF weights (hybrid), >= 0
  double dense_weight = 1.0;
  bool mmr = false;              // re-rank the candidates by maximal marginal relevance
  double mmr_lambda = 0.5;       // 1 = relevance only, 0 = diversity only
};

struct SearchHit {
  int64_t chunk_id, document_id;
  std::string source, text;
  // keyword: -bm25 (higher is better); dense: cosine; hybrid: the RRF
  // score. With MMR the order is MMR's and the score stays the mode's.
  double score;
  int64_t start, end;
  nlohmann::json metadata;  // the document's metadata overlaid with the chunk's
};

class Collection {
 public:
  // Opens the collection stored in `dir` (CollectionManager does this; open
  // a collection folder at most once per process). Checks the vector index
  // against SQLite and rebuilds it when needed.
  static StatusOr<std::shared_ptr<Collection>> Open(const std::string& dir, const std::string& name,
                                                    const StoreOptions& options);
  ~Collection();
  Collection(const Collection&) = delete;
  Collection& operator=(const Collection&) = delete;

  const std::string& name() const { return name_; }
  StatusOr<CollectionInfo> Info() const;
  StatusOr<CollectionStats> Stats() const;

  // Adds or replaces the document identified by `input.source`. Unchanged
  // content and metadata: kUnchanged, nothing embedded. Otherwise the chunks
  // are embedded in batches of StoreOptions::embed_batch_size (progress after
  // each) and written in one transaction that also removes the old chunks;
  // any failure (embedder error, bad vector, cancellation, disk error)
  // leaves the collection as it was. InvalidArgument for bad input and for
  // vectors whose dimension differs from the collection's.
  StatusOr<IngestResult> AddDocument(const DocumentInput& input, const EmbedFn& embed,
                                     const ProgressFn& progress = nullptr);
  // Documents ordered by id; limit < 0 means all.
  StatusOr<std::vector<DocumentInfo>> ListDocuments(int64_t offset = 0, int64_t limit = -1) const;
  StatusOr<DocumentInfo> GetDocument(int64_t document_id) const;  // NotFound
  StatusOr<DocumentInfo> FindDocument(const std::string& source) const;  // NotFound
  // Removes a document with its chunks, FTS rows and vectors. NotFound.
  Status DeleteDocument(int64_t document_id);

  // Best `k` chunks for the request (fewer only when fewer match). `embed`
  // embeds the query for dense, hybrid and MMR searches; InvalidArgument for
  // a bad request or filter, or a query vector of the wrong dimension.
  StatusOr<std::vector<SearchHit>> Search(const SearchRequest& request, const EmbedFn& embed) const;

  // Waits for running calls (an ingest that is embedding included), closes
  // the files; later calls fail with NotFound. Idempotent.
  void Close();

 private:
  Collection(std::string dir, std::string name, const StoreOptions& options);
  Status Load();
  Status CheckOpen() const;
  // What a committed mutation did to the vectors.
  struct IndexChange {
    std::vector<int64_t> removed;  // chunk ids whose vectors went away
    std::vector<int64_t> added;    // new chunk ids, with their vectors
    std::vector<float> vectors;
    int64_t dimension = 0;      // the collection's dimension afterwards
    int64_t total_vectors = 0;  // vectors in the collection afterwards
    int64_t generation = 0;
  };
  // Index maintenance. REQUIRES write_mu_ held, and state_mu_ exclusive for
  // the *Locked ones.
  Status LoadOrRebuildIndexLocked();
  Status RebuildIndexLocked();
  void SaveIndex();
  // Sets the vector count afterwards (from the committed count, without a
  // scan) and bumps the generation inside the open transaction.
  Status FinishMutation(IndexChange& change);
  // Commits under the exclusive state lock and updates the index to match.
  Status CommitWithIndex(Transaction& txn, const IndexChange& change);
  // InvalidArgument when `dimension` differs from the collection's (when set).
  Status CheckDimension(size_t dimension, int64_t expected, const char* what) const;
  // Search steps; REQUIRES state_mu_ shared.
  StatusOr<std::vector<ScoredId>> KeywordSearch(Database& db, const std::string& query, const SqlFilter& filter,
                                                size_t limit) const;
  StatusOr<std::vector<ScoredId>> DenseSearch(Database& db, const std::vector<float>& query,
                                              const SqlFilter& filter, size_t limit) const;
  StatusOr<std::vector<SearchHit>> LoadHits(Database& db, const std::vector<std::pair<int64_t, double>>& ranked) const;

  const std::string dir_;
  const std::string name_;
  const StoreOptions options_;

  std::mutex write_mu_;  // serialises writers; held while embedding
  mutable RwLock state_mu_;  // prefers writers
  bool closed_ = false;                          // GUARDED_BY(state_mu_), written with write_mu_ too
  CollectionInfo info_;                          // GUARDED_BY(state_mu_), written with write_mu_ too
  int64_t generation_ = 0;                       // GUARDED_BY(write_mu_)
  int64_t vector_count_ = 0;                     // GUARDED_BY(write_mu_): committed chunks with a vector
  std::unique_ptr<Database> writer_;             // GUARDED_BY(write_mu_)
  std::unique_ptr<ConnectionPool> readers_;      // thread-safe
  std::unique_ptr<VectorIndex> index_;           // GUARDED_BY(state_mu_); null until the first vector
};

}  // namespace suanli::rag
