// Thin RAII wrappers over the SQLite C API. Every value reaches SQL through
// a bound parameter. A statement may be prepared once and reused: it is
// reset after each use.
#ifndef CALLEXA_STORE_SQLITE_STATEMENT_H_
#define CALLEXA_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(const SqliteStatement &) = delete;
  SqliteStatement &operator=(const SqliteStatement &) = delete;
  ~SqliteStatement();

  Status Prepare(sqlite3 *db, std::string_view sql);

  // Binds by 1-based index; returns *this so calls chain.
  SqliteStatement &Bind(int index, int64_t value);
  SqliteStatement &Bind(int index, std::string_view value);
  SqliteStatement &Bind(int index, const std::optional<int64_t> &value);
  // Binds bytes as a BLOB (Bind of a string_view binds TEXT).
  SqliteStatement &BindBlob(int index, std::string_view bytes);

  // Steps once: true while a row is available, false when done. An error
  // is kept in status() and also ends the loop.
  bool Step();
  // Runs to completion and resets; the status of the run.
  Status Run();
  // Clears bindings and rewinds; call after the last Step of a query.
  void Reset();
  const Status &status() const { return status_; }

  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;

 private:
  sqlite3 *db_ = nullptr;
  sqlite3_stmt *stmt_ = nullptr;
  Status status_;
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

#endif  // CALLEXA_STORE_SQLITE_STATEMENT_H_
