#include "rag/collection_db.h"

#include <chrono>

#include "rag/embedding.h"

namespace suanli::rag {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE collection_info (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  schema_version INTEGER NOT NULL,
  name TEXT NOT NULL,
  embed_model TEXT NOT NULL,
  dimension INTEGER NOT NULL DEFAULT 0,
  chunk_size INTEGER NOT NULL,
  chunk_overlap INTEGER NOT NULL,
  fts_tokenizer TEXT NOT NULL,
  generation INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  chunk_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  embedding BLOB,
  UNIQUE (document_id, ordinal)
);
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
)sql";

bool IsValidTokenizerSpec(const std::string& spec) {
  if (spec.empty() || spec.size() > 128) return false;
  for (char c : spec) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ' ';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const char kDocumentColumns[] = "id, source, content_hash, metadata, chunk_count, created_at, updated_at";

DatabaseOptions CollectionDatabaseOptions(const StoreOptions& options, bool read_only, bool create) {
  DatabaseOptions db_options;
  db_options.read_only = read_only;
  db_options.create = create;
  db_options.busy_timeout_ms = options.busy_timeout_ms;
  db_options.on_open = options.register_tokenizer;
  return db_options;
}

Status CreateCollectionSchema(Database& db, const std::string& name, const CollectionConfig& config,
                              const std::string& fts_tokenizer) {
  if (!IsValidTokenizerSpec(fts_tokenizer)) {
    return InvalidArgumentError("the FTS tokenizer setting may hold only letters, digits, '_' and spaces");
  }
  Transaction txn(db);
  RETURN_IF_ERROR(txn.status());
  RETURN_IF_ERROR(db.Exec(kSchema));
  RETURN_IF_ERROR(db.Exec("CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id', "
                          "tokenize='" + fts_tokenizer + "')"));
  ASSIGN_OR_RETURN(Statement insert,
                   Statement::Prepare(db,
                                      "INSERT INTO collection_info (id, schema_version, name, embed_model, dimension, "
                                      "chunk_size, chunk_overlap, fts_tokenizer, generation, created_at) "
                                      "VALUES (1, ?, ?, ?, 0, ?, ?, ?, 0, ?)"));
  RETURN_IF_ERROR(insert.BindAll({kSchemaVersion, name, config.embed_model, config.chunk_size, config.chunk_overlap,
                                  fts_tokenizer, UnixNow()}));
  RETURN_IF_ERROR(insert.Run());
  return txn.Commit();
}

StatusOr<CollectionInfo> ReadCollectionInfo(Database& db, int64_t* generation) {
  auto stmt = Statement::Prepare(db,
                                 "SELECT schema_version, name, embed_model, dimension, chunk_size, chunk_overlap, "
                                 "generation, created_at FROM collection_info WHERE id = 1");
  if (!stmt.ok()) return InternalError("the collection database is damaged or not a collection");
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return InternalError("the collection database has no collection record");
  if (stmt->ColumnInt(0) != kSchemaVersion) {
    return InternalError("the collection was written by an unsupported version (schema " +
                         std::to_string(stmt->ColumnInt(0)) + ")");
  }
  CollectionInfo info;
  info.name = stmt->ColumnText(1);
  info.embed_model = stmt->ColumnText(2);
  info.dimension = stmt->ColumnInt(3);
  info.chunk_size = stmt->ColumnInt(4);
  info.chunk_overlap = stmt->ColumnInt(5);
  *generation = stmt->ColumnInt(6);
  info.created_at = stmt->ColumnInt(7);
  if (info.dimension < 0 || info.dimension > 65536) return InternalError("the collection record is damaged");
  return info;
}

DocumentInfo ReadDocumentRow(const Statement& stmt) {
  DocumentInfo doc;
  doc.id = stmt.ColumnInt(0);
  doc.source = stmt.ColumnText(1);
  doc.content_hash = stmt.ColumnText(2);
  doc.metadata = ParseStoredJson(stmt.ColumnText(3));
  doc.chunks = stmt.ColumnInt(4);
  doc.created_at = stmt.ColumnInt(5);
  doc.updated_at = stmt.ColumnInt(6);
  return doc;
}

Status LoadAllVectors(Database& db, size_t dimension, std::vector<int64_t>* ids, std::vector<float>* vectors) {
  ids->clear();
  vectors->clear();
  ASSIGN_OR_RETURN(Statement stmt,
                   Statement::Prepare(db, "SELECT id, embedding FROM chunks WHERE embedding IS NOT NULL ORDER BY id"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const size_t offset = vectors->size();
    vectors->resize(offset + dimension);
    if (!EmbeddingFromBlob(stmt.ColumnBlob(1), dimension, vectors->data() + offset)) {
      return InternalError("a stored vector has the wrong size; the collection database is damaged");
    }
    ids->push_back(stmt.ColumnInt(0));
  }
  return OkStatus();
}

StatusOr<std::vector<int64_t>> LoadVectorIds(Database& db) {
  ASSIGN_OR_RETURN(Statement stmt,
                   Statement::Prepare(db, "SELECT id FROM chunks WHERE embedding IS NOT NULL ORDER BY id"));
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.ColumnInt(0));
  }
  return ids;
}

nlohmann::json ParseStoredJson(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_object() ? value : nlohmann::json::object();
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace suanli::rag
