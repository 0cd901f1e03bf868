// The fts5_api of a SQLite connection, through the documented
// SELECT fts5(?1) handshake; null when SQLite has no FTS5. Shared by the
// tokenizer and ranking-function registrations. Thread-safety: that of the
// connection.
#pragma once

#include <sqlite3.h>

namespace suanli::rag {

inline fts5_api* GetFtsApi(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(statement);
  sqlite3_finalize(statement);
  return api;
}

}  // namespace suanli::rag
