#include "sql/statement.h"

namespace callexa {

Status Statement::Prepare(SqlSession &db, std::string_view sql) {
  Result<std::unique_ptr<SqlStatement>> prepared = db.Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  s_ = std::move(prepared.value());
  return Status::Ok();
}

Status PrepareAll(SqlSession &db, std::initializer_list<StatementText> statements) {
  for (const StatementText &each : statements) {
    Status s = each.statement->Prepare(db, each.sql);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace callexa
