// Collection: opening, the vector index's life cycle (load, check, rebuild,
// save), document reads and deletion. Ingest is in collection_ingest.cc and
// search in collection_search.cc.
#include "rag/collection.h"

#include <filesystem>

#include "base/log.h"
#include "rag/collection_db.h"
#include "rag/sqlite_db.h"
#include "rag/vector_index.h"

namespace suanli::rag {

namespace fs = std::filesystem;

const char* IngestStatusName(IngestStatus status) {
  switch (status) {
    case IngestStatus::kAdded:
      return "added";
    case IngestStatus::kUnchanged:
      return "unchanged";
    case IngestStatus::kReplaced:
      return "replaced";
  }
  return "unknown";
}

VectorIndexOptions IndexOptionsFrom(const StoreOptions& options) {
  VectorIndexOptions out;
  out.hnsw_threshold = options.hnsw_threshold;
  out.hnsw_m = options.hnsw_m;
  out.hnsw_ef_construction = options.hnsw_ef_construction;
  out.hnsw_ef_search = options.hnsw_ef_search;
  return out;
}

Collection::Collection(std::string dir, std::string name, const StoreOptions& options)
    : dir_(std::move(dir)), name_(std::move(name)), options_(options) {}

Collection::~Collection() = default;

StatusOr<std::shared_ptr<Collection>> Collection::Open(const std::string& dir, const std::string& name,
                                                        const StoreOptions& options) {
  std::shared_ptr<Collection> collection(new Collection(dir, name, options));
  RETURN_IF_ERROR(collection->Load());
  return collection;
}

Status Collection::Load() {
  const std::string db_path = dir_ + "/" + kDatabaseFile;
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) return NotFoundError("collection '" + name_ + "' not found");
  // Temp files of an index save that never finished.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().filename().string().rfind(std::string(kIndexFile) + ".tmp-", 0) == 0) {
      fs::remove(entry.path(), ec);
    }
  }
  std::lock_guard<std::mutex> write_lock(write_mu_);
  std::unique_lock<RwLock> state_lock(state_mu_);
  ASSIGN_OR_RETURN(writer_, Database::Open(db_path, CollectionDatabaseOptions(options_, false, false)));
  ASSIGN_OR_RETURN(info_, ReadCollectionInfo(*writer_, &generation_));
  info_.name = name_;
  {
    ASSIGN_OR_RETURN(Statement count,
                     Statement::Prepare(*writer_, "SELECT count(*) FROM chunks WHERE embedding IS NOT NULL"));
    ASSIGN_OR_RETURN(bool row, count.Step());
    vector_count_ = row ? count.ColumnInt(0) : 0;
  }
  readers_ = std::make_unique<ConnectionPool>(db_path, CollectionDatabaseOptions(options_, true, false));
  return LoadOrRebuildIndexLocked();
}

Status Collection::CheckOpen() const {
  if (closed_) return NotFoundError("collection '" + name_ + "' was deleted");
  return OkStatus();
}

void Collection::Close() {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  std::unique_lock<RwLock> state_lock(state_mu_);
  if (closed_) return;
  closed_ = true;
  index_.reset();
  writer_.reset();
  if (readers_ != nullptr) readers_->Clear();
}

Status Collection::LoadOrRebuildIndexLocked() {
  if (info_.dimension == 0) {
    index_.reset();
    return OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, LoadVectorIds(*writer_));
  const VectorIndexOptions index_options = IndexOptionsFrom(options_);
  int64_t file_generation = -1;
  auto loaded = VectorIndex::Load(dir_ + "/" + kIndexFile, index_options, &file_generation);
  std::string reason;
  if (!loaded.ok()) {
    reason = loaded.status().message();
  } else if (file_generation != generation_) {
    reason = "the vector index file is stale (generation " + std::to_string(file_generation) + ", database " +
             std::to_string(generation_) + ")";
  } else if ((*loaded)->dimension() != static_cast<size_t>(info_.dimension)) {
    reason = "the vector index file has the wrong dimension";
  } else if ((*loaded)->kind() != IndexKindFor(ids.size(), index_options)) {
    reason = "the vector index kind does not suit its size";
  } else if ((*loaded)->Ids() != ids) {
    reason = "the vector index file does not hold the stored chunks";
  }
  if (reason.empty()) {
    index_ = std::move(*loaded);
    return OkStatus();
  }
  LogInfo("rag: rebuilding the vector index of collection '" + name_ + "': " + reason);
  RETURN_IF_ERROR(RebuildIndexLocked());
  if (Status s = index_->Save(dir_ + "/" + kIndexFile, generation_); !s.ok()) {
    LogWarn("rag: cannot save the vector index of collection '" + name_ + "': " + s.message());
  }
  return OkStatus();
}

Status Collection::RebuildIndexLocked() {
  index_.reset();
  if (info_.dimension == 0) return OkStatus();
  std::vector<int64_t> ids;
  std::vector<float> vectors;
  RETURN_IF_ERROR(LoadAllVectors(*writer_, static_cast<size_t>(info_.dimension), &ids, &vectors));
  const VectorIndexOptions index_options = IndexOptionsFrom(options_);
  ASSIGN_OR_RETURN(index_, VectorIndex::Build(static_cast<size_t>(info_.dimension),
                                              IndexKindFor(ids.size(), index_options), ids, vectors, index_options));
  return OkStatus();
}

void Collection::SaveIndex() {
  std::shared_lock<RwLock> state_lock(state_mu_);
  if (closed_ || index_ == nullptr) return;
  if (Status s = index_->Save(dir_ + "/" + kIndexFile, generation_); !s.ok()) {
    // SQLite holds the truth; the next open rebuilds the stale file.
    LogWarn("rag: cannot save the vector index of collection '" + name_ + "': " + s.message());
  }
}

Status Collection::CommitWithIndex(Transaction& txn, const IndexChange& change) {
  std::unique_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(txn.Commit());
  generation_ = change.generation;
  vector_count_ = change.total_vectors;
  info_.dimension = change.dimension;
  Status applied = OkStatus();
  const VectorIndexOptions index_options = IndexOptionsFrom(options_);
  const size_t total = static_cast<size_t>(change.total_vectors);
  if (index_ == nullptr || index_->kind() != IndexKindFor(total, index_options) ||
      (!change.removed.empty() && !index_->CanRemove())) {
    applied = RebuildIndexLocked();
  } else {
    applied = index_->Remove(change.removed);
    if (applied.ok()) applied = index_->Add(change.added, change.vectors);
    if (applied.ok() && index_->size() != total) applied = InternalError("vector index size mismatch");
    if (!applied.ok()) {
      LogWarn("rag: rebuilding the vector index of collection '" + name_ + "': " + applied.message());
      applied = RebuildIndexLocked();
    }
  }
  if (!applied.ok()) {
    // The data is committed; dense search reports the broken index until
    // the collection is opened again.
    LogError("rag: the vector index of collection '" + name_ + "' is unavailable: " + applied.message());
    index_.reset();
  }
  return OkStatus();
}

StatusOr<CollectionInfo> Collection::Info() const {
  std::shared_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(CheckOpen());
  return info_;
}

StatusOr<CollectionStats> Collection::Stats() const {
  std::shared_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, readers_->Acquire());
  ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(*db, "SELECT (SELECT count(*) FROM documents), "
                                                           "(SELECT count(*) FROM chunks)"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  CollectionStats stats;
  stats.info = info_;
  stats.documents = row ? stmt.ColumnInt(0) : 0;
  stats.chunks = row ? stmt.ColumnInt(1) : 0;
  stats.index_kind = index_ == nullptr ? "none" : IndexKindName(index_->kind());
  return stats;
}

StatusOr<std::vector<DocumentInfo>> Collection::ListDocuments(int64_t offset, int64_t limit) const {
  std::shared_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, readers_->Acquire());
  ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(*db, std::string("SELECT ") + kDocumentColumns +
                                                               " FROM documents ORDER BY id LIMIT ? OFFSET ?"));
  RETURN_IF_ERROR(stmt.BindInt(1, limit < 0 ? -1 : limit));
  RETURN_IF_ERROR(stmt.BindInt(2, offset < 0 ? 0 : offset));
  std::vector<DocumentInfo> docs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    docs.push_back(ReadDocumentRow(stmt));
  }
  return docs;
}

StatusOr<DocumentInfo> Collection::GetDocument(int64_t document_id) const {
  std::shared_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, readers_->Acquire());
  ASSIGN_OR_RETURN(Statement stmt,
                   Statement::Prepare(*db, std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE id = ?"));
  RETURN_IF_ERROR(stmt.BindInt(1, document_id));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return NotFoundError("document " + std::to_string(document_id) + " is not in collection '" + name_ + "'");
  }
  return ReadDocumentRow(stmt);
}

StatusOr<DocumentInfo> Collection::FindDocument(const std::string& source) const {
  std::shared_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, readers_->Acquire());
  ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(*db, std::string("SELECT ") + kDocumentColumns +
                                                               " FROM documents WHERE source = ?"));
  RETURN_IF_ERROR(stmt.BindText(1, source));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFoundError("collection '" + name_ + "' has no document with that source");
  return ReadDocumentRow(stmt);
}

Status Collection::DeleteDocument(int64_t document_id) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  RETURN_IF_ERROR(CheckOpen());
  Transaction txn(*writer_);
  RETURN_IF_ERROR(txn.status());
  IndexChange change;
  {
    ASSIGN_OR_RETURN(Statement ids, Statement::Prepare(*writer_,
                                                       "SELECT id FROM chunks WHERE document_id = ? "
                                                       "AND embedding IS NOT NULL ORDER BY id"));
    RETURN_IF_ERROR(ids.BindInt(1, document_id));
    while (true) {
      ASSIGN_OR_RETURN(bool row, ids.Step());
      if (!row) break;
      change.removed.push_back(ids.ColumnInt(0));
    }
    ASSIGN_OR_RETURN(Statement del_chunks, Statement::Prepare(*writer_, "DELETE FROM chunks WHERE document_id = ?"));
    RETURN_IF_ERROR(del_chunks.BindInt(1, document_id));
    RETURN_IF_ERROR(del_chunks.Run());
    ASSIGN_OR_RETURN(Statement del_doc, Statement::Prepare(*writer_, "DELETE FROM documents WHERE id = ?"));
    RETURN_IF_ERROR(del_doc.BindInt(1, document_id));
    ASSIGN_OR_RETURN(bool row, del_doc.Step());
    (void)row;
    if (writer_->Changes() == 0) {
      return NotFoundError("document " + std::to_string(document_id) + " is not in collection '" + name_ + "'");
    }
  }
  change.dimension = info_.dimension;
  RETURN_IF_ERROR(FinishMutation(change));
  RETURN_IF_ERROR(CommitWithIndex(txn, change));
  SaveIndex();
  return OkStatus();
}

Status Collection::FinishMutation(IndexChange& change) {
  // `removed` holds every vector the mutation deleted and `added` every one
  // it stored, so no count(*) scan (a tenth of a second at 100k chunks).
  change.total_vectors = vector_count_ - static_cast<int64_t>(change.removed.size()) +
                         static_cast<int64_t>(change.added.size());
  change.generation = generation_ + 1;
  ASSIGN_OR_RETURN(Statement update,
                   Statement::Prepare(*writer_, "UPDATE collection_info SET generation = ?, dimension = ? WHERE id = 1"));
  RETURN_IF_ERROR(update.BindAll({change.generation, change.dimension}));
  return update.Run();
}

}  // namespace suanli::rag
