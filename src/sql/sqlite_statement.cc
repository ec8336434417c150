#include "sql/sqlite_statement.h"

#include "sql/sqlite_session.h"

namespace callexa {

Status SqliteError(sqlite3 *db, int rc, std::string_view what) {
  std::string detail = "sqlite: ";
  detail += what;
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is busy, try again", std::move(detail));
    case SQLITE_FULL:
      return Status::Unavailable("the database is full, try again later",
                                 std::move(detail));
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      return Status::Unavailable("the database cannot be written, try again later",
                                 std::move(detail));
    default:
      return Status::IOError("database error", std::move(detail));
  }
}

SqliteStatement::~SqliteStatement() {
  if (home_ != nullptr && stmt_ != nullptr) {
    home_->GiveBack(std::move(sql_), stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Status SqliteStatement::Prepare(sqlite3 *db, std::string_view sql) {
  if (home_ != nullptr && stmt_ != nullptr) {
    home_->GiveBack(std::move(sql_), stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  home_ = nullptr;
  db_ = db;
  stmt_ = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare");
  return Status::Ok();
}

SqliteStatement &SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement &SqliteStatement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement &SqliteStatement::Bind(int index, const std::optional<int64_t> &value) {
  if (value) {
    sqlite3_bind_int64(stmt_, index, *value);
  } else {
    sqlite3_bind_null(stmt_, index);
  }
  return *this;
}

SqliteStatement &SqliteStatement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

bool SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    changed_ = sqlite3_changes64(db_);
  } else {
    status_ = SqliteError(db_, rc, "step");
  }
  return false;
}

Status SqliteStatement::Run() {
  status_ = Status::Ok();
  while (Step()) {
  }
  Status s = status_;
  Reset();
  return s;
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Status::Ok();
}

int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<int64_t> SqliteStatement::OptionalInt(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char *p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char *>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string SqliteStatement::Blob(int column) const {
  const void *p = sqlite3_column_blob(stmt_, column);
  if (p == nullptr) return {};
  return std::string(static_cast<const char *>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Status PrepareAll(sqlite3 *db, std::initializer_list<StatementSql> statements) {
  for (const StatementSql &each : statements) {
    Status s = each.statement->Prepare(db, each.sql);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status SqliteExec(sqlite3 *db, std::string_view sql) {
  char *err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    sqlite3_free(err);
    return SqliteError(db, rc, "exec");
  }
  return Status::Ok();
}

}  // namespace callexa
