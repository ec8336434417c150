#include "sql/sqlite_session.h"

#include "sql/sqlite_statement.h"

namespace callexa {

Result<std::unique_ptr<SqlStatement>> SqliteSession::Prepare(std::string_view sql) {
  auto statement = std::make_unique<SqliteStatement>();
  Status s = statement->Prepare(db_, sql);
  if (!s.ok()) return s;
  return std::unique_ptr<SqlStatement>(std::move(statement));
}

Status SqliteSession::Execute(std::string_view sql) { return SqliteExec(db_, sql); }

Status SqliteSession::Begin() { return SqliteExec(db_, "BEGIN IMMEDIATE"); }

Status SqliteSession::Commit() { return SqliteExec(db_, "COMMIT"); }

Status SqliteSession::Rollback() { return SqliteExec(db_, "ROLLBACK"); }

}  // namespace callexa
