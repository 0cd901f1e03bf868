// RAII wrappers over SQLite: a connection (Database), a prepared statement
// (Statement), a write transaction (Transaction) and a pool of read-only
// connections (ConnectionPool). Every failure is a Status whose message names
// the operation, never a path. Thread-safety: a Database and its Statements
// belong to one thread at a time; ConnectionPool is thread-safe.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace suanli::rag {

// A value bound to a `?` parameter.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

struct DatabaseOptions {
  bool read_only = false;
  bool create = false;  // create the file when it does not exist
  int busy_timeout_ms = 5000;
  // Called on the new connection before anything else (e.g. to register an
  // FTS5 tokenizer); its error fails the open.
  std::function<Status(sqlite3*)> on_open;
};

class Database {
 public:
  // Opens `path` in WAL mode with busy_timeout, foreign keys on and
  // synchronous=FULL. Internal when the file cannot be opened.
  static StatusOr<std::unique_ptr<Database>> Open(const std::string& path, const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // An Internal status with `what` and SQLite's message.
  Status Error(std::string_view what) const;
  int64_t LastInsertRowId() const;
  int Changes() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Statement {
 public:
  static StatusOr<Statement> Prepare(Database& db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Status Bind(int index, const SqlValue& value);
  Status BindInt(int index, int64_t value) { return Bind(index, SqlValue(value)); }
  Status BindText(int index, std::string_view value);
  Status BindBlob(int index, const void* data, size_t size);
  Status BindNull(int index) { return Bind(index, SqlValue()); }
  // Binds values[i] to parameter first + i.
  Status BindAll(const std::vector<SqlValue>& values, int first = 1);

  // True when a row is ready, false when done; Internal on error.
  StatusOr<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();
  Status Reset();

  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  std::string ColumnText(int col) const;
  // Blob bytes (empty for NULL).
  std::string_view ColumnBlob(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Status CheckBind(int rc);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction (check status()); rolls back on
// destruction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  const Status& status() const { return status_; }
  Status Commit();

 private:
  Database& db_;
  Status status_;
  bool open_ = false;
};

// A pool of connections opened on demand with the same options; Acquire
// hands one out and the returned lease puts it back when destroyed.
class ConnectionPool {
 public:
  ConnectionPool(std::string path, DatabaseOptions options, size_t max_idle = 4);
  ~ConnectionPool();

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Database& operator*() const { return *db_; }
    Database* operator->() const { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Database> db_;
  };

  StatusOr<Lease> Acquire();
  // Closes every idle connection (leased ones close when returned).
  void Clear();

 private:
  void Return(std::unique_ptr<Database> db);
  const std::string path_;
  const DatabaseOptions options_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;  // GUARDED_BY(mu_)
  bool cleared_ = false;                         // GUARDED_BY(mu_)
};

}  // namespace suanli::rag
