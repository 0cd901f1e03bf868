#include "rag/sqlite_db.h"

#include <utility>

namespace suanli::rag {

namespace {

Status SqliteError(sqlite3* db, std::string_view what) {
  std::string message = "collection database: " + std::string(what) + " failed";
  if (db != nullptr) message += std::string(": ") + sqlite3_errmsg(db);
  return InternalError(std::move(message));
}

}  // namespace

StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path, const DatabaseOptions& options) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // The handle is ours even when opening failed.
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) {
    return InternalError(std::string("cannot open a collection database: ") + sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (options.on_open) RETURN_IF_ERROR(options.on_open(raw));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"));
  if (options.read_only) {
    RETURN_IF_ERROR(db->Exec("PRAGMA query_only = ON;"));
  } else {
    ASSIGN_OR_RETURN(Statement wal_stmt, Statement::Prepare(*db, "PRAGMA journal_mode = WAL"));
    ASSIGN_OR_RETURN(bool row, wal_stmt.Step());
    if (!row || wal_stmt.ColumnText(0) != "wal") {
      return InternalError("cannot switch a collection database to write-ahead logging");
    }
  }
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = "collection database: statement failed";
    if (err != nullptr) message += std::string(": ") + err;
    sqlite3_free(err);
    return InternalError(std::move(message));
  }
  return OkStatus();
}

Status Database::Error(std::string_view what) const { return SqliteError(db_, what); }

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int Database::Changes() const { return sqlite3_changes(db_); }

StatusOr<Statement> Statement::Prepare(Database& db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db.handle(), "preparing a statement");
  }
  return Statement(db.handle(), stmt);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Status Statement::CheckBind(int rc) {
  return rc == SQLITE_OK ? OkStatus() : SqliteError(db_, "binding a parameter");
}

Status Statement::Bind(int index, const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return CheckBind(sqlite3_bind_null(stmt_, index));
  if (const auto* i = std::get_if<int64_t>(&value)) return CheckBind(sqlite3_bind_int64(stmt_, index, *i));
  if (const auto* d = std::get_if<double>(&value)) return CheckBind(sqlite3_bind_double(stmt_, index, *d));
  return BindText(index, std::get<std::string>(value));
}

Status Statement::BindText(int index, std::string_view value) {
  return CheckBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Status Statement::BindBlob(int index, const void* data, size_t size) {
  return CheckBind(sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT));
}

Status Statement::BindAll(const std::vector<SqlValue>& values, int first) {
  for (size_t i = 0; i < values.size(); ++i) RETURN_IF_ERROR(Bind(first + static_cast<int>(i), values[i]));
  return OkStatus();
}

StatusOr<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return UnavailableError("the collection is busy; try again");
  }
  if ((rc & 0xff) == SQLITE_FULL) return ResourceExhaustedError("the disk is full; free some space and try again");
  return SqliteError(db_, "a query");
}

Status Statement::Run() {
  ASSIGN_OR_RETURN(bool row, Step());
  (void)row;
  return Reset();
}

Status Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return OkStatus();
}

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::ColumnText(int col) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return text == nullptr ? std::string() : std::string(text, sqlite3_column_bytes(stmt_, col));
}

std::string_view Statement::ColumnBlob(int col) const {
  const void* data = sqlite3_column_blob(stmt_, col);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

bool Statement::ColumnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Transaction::Transaction(Database& db) : db_(db) {
  status_ = db_.Exec("BEGIN IMMEDIATE");
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return status_.ok() ? InternalError("transaction already finished") : status_;
  Status s = db_.Exec("COMMIT");
  if (!s.ok()) return s;  // still open: the destructor rolls back
  open_ = false;
  return OkStatus();
}

ConnectionPool::ConnectionPool(std::string path, DatabaseOptions options, size_t max_idle)
    : path_(std::move(path)), options_(std::move(options)), max_idle_(max_idle) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Return(std::move(db_));
}

StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cleared_) return UnavailableError("the collection was closed");
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path_, options_));
  return Lease(this, std::move(db));
}

void ConnectionPool::Clear() {
  std::vector<std::unique_ptr<Database>> closing;
  std::lock_guard<std::mutex> lock(mu_);
  cleared_ = true;
  closing.swap(idle_);
}

void ConnectionPool::Return(std::unique_ptr<Database> db) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!cleared_ && idle_.size() < max_idle_) idle_.push_back(std::move(db));
}

}  // namespace suanli::rag
