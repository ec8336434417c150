#include "store/sqlite_statement.h"

namespace callexa {

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Status SqliteStatement::Prepare(sqlite3 *db, std::string_view sql) {
  db_ = db;
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
    return Status::IOError(std::string("sqlite prepare failed: ") + sqlite3_errmsg(db));
  }
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

bool SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    status_ = Status::IOError(std::string("sqlite: ") + sqlite3_errmsg(db_));
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
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Status s = Status::IOError(std::string("sqlite: ") + (err ? err : "unknown error"));
    sqlite3_free(err);
    return s;
  }
  return Status::Ok();
}

}  // namespace callexa
