// Thin RAII wrappers over the SQLite C API: SQLite's SqlStatement (see
// sql/sql_session.h) and the helpers of the SQLite store.
#ifndef CALLEXA_SQL_SQLITE_STATEMENT_H_
#define CALLEXA_SQL_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/sql_session.h"

namespace callexa {

class SqliteSession;

class SqliteStatement : public SqlStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(const SqliteStatement &) = delete;
  SqliteStatement &operator=(const SqliteStatement &) = delete;
  ~SqliteStatement() override;

  Status Prepare(sqlite3 *db, std::string_view sql);
  // For SqliteSession's cache: from now on, the statement goes back to
  // `home` under `sql` when destroyed, instead of being finalized.
  void LendTo(SqliteSession *home, std::string sql) {
    home_ = home;
    sql_ = std::move(sql);
  }
  // Takes `stmt`, compiled from `sql` on `db` and lent by `home`.
  void Adopt(sqlite3 *db, sqlite3_stmt *stmt, SqliteSession *home, std::string sql) {
    db_ = db;
    stmt_ = stmt;
    LendTo(home, std::move(sql));
  }

  SqliteStatement &Bind(int index, int64_t value) override;
  SqliteStatement &Bind(int index, std::string_view value) override;
  SqliteStatement &Bind(int index, const std::optional<int64_t> &value) override;
  SqliteStatement &BindBlob(int index, std::string_view bytes) override;

  bool Step() override;
  Status Run() override;
  void Reset() override;
  const Status &status() const override { return status_; }
  int64_t RowsChanged() const override { return changed_; }

  int64_t Int(int column) const override;
  std::optional<int64_t> OptionalInt(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;

 private:
  sqlite3 *db_ = nullptr;
  sqlite3_stmt *stmt_ = nullptr;
  SqliteSession *home_ = nullptr;  // set: stmt_ goes back to it
  std::string sql_;
  Status status_;
  int64_t changed_ = 0;
};

// The Status for SQLite result code `rc` from `what` ("step", "prepare"):
// Unavailable for what passes or an operator can fix (busy, locked, disk
// full, read-only, I/O), IOError otherwise. The message is for clients
// and names nothing internal; SQLite's own text is the detail.
Status SqliteError(sqlite3 *db, int rc, std::string_view what);

struct StatementSql {
  SqliteStatement *statement;
  std::string_view sql;
};

// Prepares each statement in turn; the first error, if any.
Status PrepareAll(sqlite3 *db, std::initializer_list<StatementSql> statements);

// Executes semicolon-separated SQL without parameters (schema, pragmas).
Status SqliteExec(sqlite3 *db, std::string_view sql);

}  // namespace callexa

#endif  // CALLEXA_SQL_SQLITE_STATEMENT_H_
