// The SQLite schema of a collection and the row helpers the collection
// code shares: creating a database, reading its info row, reading document
// rows, and loading stored vectors. Functions take the connection to use;
// thread-safety is that of the connection (one thread at a time).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "rag/collection.h"
#include "rag/sqlite_db.h"

namespace suanli::rag {

constexpr int64_t kSchemaVersion = 1;
constexpr char kDatabaseFile[] = "collection.db";
constexpr char kIndexFile[] = "vectors.faiss";

// Connection options for a collection database.
DatabaseOptions CollectionDatabaseOptions(const StoreOptions& options, bool read_only, bool create);

// Creates the schema and the info row in a new, empty database.
Status CreateCollectionSchema(Database& db, const std::string& name, const CollectionConfig& config,
                              const std::string& fts_tokenizer);

// The info row; `*generation` gets the mutation counter. Internal when the
// database is not a collection or has an unknown schema version.
StatusOr<CollectionInfo> ReadCollectionInfo(Database& db, int64_t* generation);

// "SELECT <kDocumentColumns> FROM documents ..." rows become DocumentInfo.
extern const char kDocumentColumns[];
DocumentInfo ReadDocumentRow(const Statement& stmt);

// Ids and vectors of every chunk with an embedding, ordered by id.
// Internal when a stored vector has the wrong size.
Status LoadAllVectors(Database& db, size_t dimension, std::vector<int64_t>* ids, std::vector<float>* vectors);
// Sorted ids of every chunk with an embedding.
StatusOr<std::vector<int64_t>> LoadVectorIds(Database& db);

// Parses stored JSON text; an object (empty when the text is not one).
nlohmann::json ParseStoredJson(const std::string& text);
// Serialises metadata for storage (invalid UTF-8 replaced, never throws).
std::string DumpJson(const nlohmann::json& value);

int64_t UnixNow();

}  // namespace suanli::rag
