// The seam between the store and a SQL database: a session (one connection)
// prepares statements, runs them and brackets transactions; a statement
// binds parameters by number and steps through rows. SQLite and PostgreSQL
// each implement it; what differs in their SQL is the store's to write.
//
// Parameters are written ?1, ?2, ... in SQL text (SQLite's own form; the
// PostgreSQL session rewrites them to $1, $2, ...). Every value reaches SQL
// through a bound parameter. A statement may be prepared once and reused:
// Run() resets it, and a query is reset with Reset() after its last Step().
#ifndef CALLEXA_SQL_SQL_SESSION_H_
#define CALLEXA_SQL_SQL_SESSION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;

  // Binds parameter `index` (1-based); returns *this so calls chain.
  virtual SqlStatement &Bind(int index, int64_t value) = 0;
  virtual SqlStatement &Bind(int index, std::string_view value) = 0;
  virtual SqlStatement &Bind(int index, const std::optional<int64_t> &value) = 0;
  // Bytes as a BLOB / bytea (Bind of a string_view binds text).
  virtual SqlStatement &BindBlob(int index, std::string_view bytes) = 0;

  // Steps once: true while a row is available, false when done. An error
  // is kept in status() and also ends the loop.
  virtual bool Step() = 0;
  // Runs to completion and resets; the status of the run.
  virtual Status Run() = 0;
  // Clears bindings and rewinds.
  virtual void Reset() = 0;
  virtual const Status &status() const = 0;
  // Rows the last run of this statement inserted, updated or deleted.
  virtual int64_t RowsChanged() const = 0;

  // Columns of the current row, 0-based.
  virtual int64_t Int(int column) const = 0;
  virtual std::optional<int64_t> OptionalInt(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;
};

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // "sqlite" or "postgresql", for logs and /metrics.
  virtual const char *backend() const = 0;
  // A statement of this session; it must not outlive the session. An
  // error in the SQL may come from here or from the statement's first run.
  virtual Result<std::unique_ptr<SqlStatement>> Prepare(std::string_view sql) = 0;
  // SQL without parameters or rows (schema changes, settings).
  virtual Status Execute(std::string_view sql) = 0;
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
};

}  // namespace callexa

#endif  // CALLEXA_SQL_SQL_SESSION_H_
