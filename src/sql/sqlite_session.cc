#include "sql/sqlite_session.h"

#include "sql/sqlite_statement.h"

namespace callexa {

SqliteSession::~SqliteSession() {
  for (auto &[sql, stmts] : idle_) {
    for (sqlite3_stmt *stmt : stmts) sqlite3_finalize(stmt);
  }
}

Result<std::unique_ptr<SqlStatement>> SqliteSession::Prepare(std::string_view sql) {
  auto statement = std::make_unique<SqliteStatement>();
  std::string text(sql);
  auto idle = idle_.find(text);
  if (idle != idle_.end() && !idle->second.empty()) {
    statement->Adopt(db_, idle->second.back(), this, std::move(text));
    idle->second.pop_back();
  } else {
    Status s = statement->Prepare(db_, sql);
    if (!s.ok()) return s;
    statement->LendTo(this, std::move(text));
  }
  return std::unique_ptr<SqlStatement>(std::move(statement));
}

void SqliteSession::GiveBack(std::string sql, sqlite3_stmt *stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  idle_[std::move(sql)].push_back(stmt);
}

Status SqliteSession::Execute(std::string_view sql) { return SqliteExec(db_, sql); }

Status SqliteSession::Begin() { return SqliteExec(db_, "BEGIN IMMEDIATE"); }

Status SqliteSession::Commit() { return SqliteExec(db_, "COMMIT"); }

Status SqliteSession::Rollback() { return SqliteExec(db_, "ROLLBACK"); }

}  // namespace callexa
