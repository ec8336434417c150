// SQLite's SqlSession, over a connection its owner opened and keeps.
#ifndef CALLEXA_SQL_SQLITE_SESSION_H_
#define CALLEXA_SQL_SQLITE_SESSION_H_

#include <sqlite3.h>

#include "sql/sql_session.h"

namespace callexa {

class SqliteSession : public SqlSession {
 public:
  // `db` must outlive the session and every statement it prepared.
  explicit SqliteSession(sqlite3 *db) : db_(db) {}

  const char *backend() const override { return "sqlite"; }
  Result<std::unique_ptr<SqlStatement>> Prepare(std::string_view sql) override;
  Status Execute(std::string_view sql) override;
  // BEGIN IMMEDIATE: the write lock at once, so that a transaction never
  // fails half-way for want of it.
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;

 private:
  sqlite3 *db_;
};

}  // namespace callexa

#endif  // CALLEXA_SQL_SQLITE_SESSION_H_
