// Collection::AddDocument: change detection by content hash, batched
// embedding outside every lock, one transaction for the rows, then the
// vector index (see collection.h for the contract).
#include <algorithm>

#include "base/sha256.h"
#include "base/utf8.h"
#include "rag/collection.h"
#include "rag/collection_db.h"
#include "rag/embedding.h"
#include "rag/sqlite_db.h"

namespace suanli::rag {

namespace {

constexpr size_t kMaxSourceBytes = 4096;
constexpr size_t kMaxChunks = 100000;

Status ValidateMetadata(const nlohmann::json& metadata, const std::string& what) {
  if (!metadata.is_null() && !metadata.is_object()) return InvalidArgumentError(what + " must be a JSON object");
  return OkStatus();
}

Status ValidateInput(const DocumentInput& input, const EmbedFn& embed) {
  if (input.source.empty() || input.source.size() > kMaxSourceBytes || !IsValidUtf8(input.source) ||
      input.source.find('\0') != std::string::npos) {
    return InvalidArgumentError("a document source must be 1 to 4096 bytes of UTF-8 text");
  }
  RETURN_IF_ERROR(ValidateMetadata(input.metadata, "document metadata"));
  if (input.chunks.size() > kMaxChunks) {
    return InvalidArgumentError("a document may have at most " + std::to_string(kMaxChunks) +
                                " chunks; split it or use a larger chunk size");
  }
  for (size_t i = 0; i < input.chunks.size(); ++i) {
    const ChunkInput& chunk = input.chunks[i];
    const std::string name = "chunk " + std::to_string(i);
    if (chunk.text.empty() || !IsValidUtf8(chunk.text)) {
      return InvalidArgumentError(name + " must be non-empty UTF-8 text");
    }
    if (chunk.start < 0 || chunk.end < chunk.start) {
      return InvalidArgumentError(name + " has an invalid range (start must be >= 0 and <= end)");
    }
    RETURN_IF_ERROR(ValidateMetadata(chunk.metadata, name + " metadata"));
  }
  if (!input.chunks.empty() && !embed) return InvalidArgumentError("an embedding function is required");
  return OkStatus();
}

std::string HashDocument(const DocumentInput& input) {
  Sha256 hash;
  hash.Update(input.content.data(), input.content.size());
  hash.Update("\0", 1);
  const std::string metadata = DumpJson(input.metadata.is_object() ? input.metadata : nlohmann::json::object());
  hash.Update(metadata.data(), metadata.size());
  return hash.FinalHex();
}

std::string MetadataText(const nlohmann::json& metadata) {
  return DumpJson(metadata.is_object() ? metadata : nlohmann::json::object());
}

}  // namespace

Status Collection::CheckDimension(size_t dimension, int64_t expected, const char* what) const {
  if (expected == 0 || dimension == static_cast<size_t>(expected)) return OkStatus();
  return InvalidArgumentError("collection '" + name_ + "' stores " + std::to_string(expected) +
                              "-dimensional vectors from model '" + info_.embed_model + "', but " + what + " has " +
                              std::to_string(dimension) + " dimensions; embed with the collection's model");
}

StatusOr<IngestResult> Collection::AddDocument(const DocumentInput& input, const EmbedFn& embed,
                                               const ProgressFn& progress) {
  RETURN_IF_ERROR(ValidateInput(input, embed));
  const std::string hash = HashDocument(input);
  std::lock_guard<std::mutex> write_lock(write_mu_);
  RETURN_IF_ERROR(CheckOpen());

  int64_t existing_id = 0;
  {
    ASSIGN_OR_RETURN(Statement find, Statement::Prepare(*writer_, "SELECT id, content_hash, chunk_count "
                                                                  "FROM documents WHERE source = ?"));
    RETURN_IF_ERROR(find.BindText(1, input.source));
    ASSIGN_OR_RETURN(bool row, find.Step());
    if (row) {
      existing_id = find.ColumnInt(0);
      if (find.ColumnText(1) == hash) return IngestResult{existing_id, find.ColumnInt(2), IngestStatus::kUnchanged};
    }
  }

  // Embed everything before writing anything: a failure here changes nothing.
  const size_t total = input.chunks.size();
  const size_t batch_size = std::max<size_t>(1, options_.embed_batch_size);
  int64_t dimension = info_.dimension;
  std::vector<float> vectors;
  for (size_t begin = 0; begin < total; begin += batch_size) {
    const size_t end = std::min(total, begin + batch_size);
    std::vector<std::string> texts;
    texts.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) texts.push_back(input.chunks[i].text);
    auto embedded = embed(texts);
    if (!embedded.ok()) {
      return Status(embedded.status().code(), "embedding chunks " + std::to_string(begin) + " to " +
                                                  std::to_string(end - 1) + " failed: " + embedded.status().message());
    }
    if (embedded->size() != texts.size()) {
      return InternalError("the embedding model returned " + std::to_string(embedded->size()) + " vectors for " +
                           std::to_string(texts.size()) + " texts");
    }
    for (size_t j = 0; j < embedded->size(); ++j) {
      std::vector<float>& v = (*embedded)[j];
      const std::string what = "the embedding of chunk " + std::to_string(begin + j);
      RETURN_IF_ERROR(CheckDimension(v.size(), dimension, what.c_str()));
      RETURN_IF_ERROR(NormalizeEmbedding(v, static_cast<size_t>(dimension), what));
      if (dimension == 0) dimension = static_cast<int64_t>(v.size());
      vectors.insert(vectors.end(), v.begin(), v.end());
    }
    if (progress && !progress(static_cast<int64_t>(end), static_cast<int64_t>(total))) {
      return CancelledError("ingest of '" + input.source.substr(0, 200) + "' was cancelled; nothing was stored");
    }
  }

  Transaction txn(*writer_);
  RETURN_IF_ERROR(txn.status());
  IndexChange change;
  const int64_t now = UnixNow();
  int64_t document_id = existing_id;
  if (existing_id != 0) {
    ASSIGN_OR_RETURN(Statement old_ids, Statement::Prepare(*writer_, "SELECT id FROM chunks WHERE document_id = ? "
                                                                     "AND embedding IS NOT NULL ORDER BY id"));
    RETURN_IF_ERROR(old_ids.BindInt(1, existing_id));
    while (true) {
      ASSIGN_OR_RETURN(bool row, old_ids.Step());
      if (!row) break;
      change.removed.push_back(old_ids.ColumnInt(0));
    }
    ASSIGN_OR_RETURN(Statement del, Statement::Prepare(*writer_, "DELETE FROM chunks WHERE document_id = ?"));
    RETURN_IF_ERROR(del.BindInt(1, existing_id));
    RETURN_IF_ERROR(del.Run());
    ASSIGN_OR_RETURN(Statement update, Statement::Prepare(*writer_, "UPDATE documents SET content_hash = ?, "
                                                                    "metadata = ?, chunk_count = ?, updated_at = ? "
                                                                    "WHERE id = ?"));
    RETURN_IF_ERROR(update.BindAll({hash, MetadataText(input.metadata), static_cast<int64_t>(total), now, existing_id}));
    RETURN_IF_ERROR(update.Run());
  } else {
    ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(*writer_, "INSERT INTO documents (source, content_hash, "
                                                                    "metadata, chunk_count, created_at, updated_at) "
                                                                    "VALUES (?, ?, ?, ?, ?, ?)"));
    RETURN_IF_ERROR(insert.BindAll({input.source, hash, MetadataText(input.metadata), static_cast<int64_t>(total),
                                    now, now}));
    RETURN_IF_ERROR(insert.Run());
    document_id = writer_->LastInsertRowId();
  }
  ASSIGN_OR_RETURN(Statement insert_chunk,
                   Statement::Prepare(*writer_, "INSERT INTO chunks (document_id, ordinal, text, start_offset, "
                                                "end_offset, metadata, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  for (size_t i = 0; i < total; ++i) {
    const ChunkInput& chunk = input.chunks[i];
    const std::string blob = EmbeddingToBlob(vectors.data() + i * dimension, static_cast<size_t>(dimension));
    RETURN_IF_ERROR(insert_chunk.BindAll({document_id, static_cast<int64_t>(i), chunk.text, chunk.start, chunk.end,
                                          MetadataText(chunk.metadata)}));
    RETURN_IF_ERROR(insert_chunk.BindBlob(7, blob.data(), blob.size()));
    RETURN_IF_ERROR(insert_chunk.Run());
    change.added.push_back(writer_->LastInsertRowId());
  }
  change.vectors = std::move(vectors);
  change.dimension = dimension;
  RETURN_IF_ERROR(FinishMutation(change));
  RETURN_IF_ERROR(CommitWithIndex(txn, change));
  SaveIndex();
  return IngestResult{document_id, static_cast<int64_t>(total),
                      existing_id != 0 ? IngestStatus::kReplaced : IngestStatus::kAdded};
}

}  // namespace suanli::rag
