// PostgreSQL's SqlSession: one libpq connection, used by one thread at a
// time (a store keeps one per pool thread). Its calls block: they run on
// the thread pools, never on nginx's event loop.
//
// Statements are prepared on the server under names of their own and
// prepared again after a reconnect. A lost connection is reset before the
// next statement; a statement that failed with it is not retried here (only
// the store knows whether a write may be repeated). Every session sets
// statement_timeout, lock_timeout and idle_in_transaction_session_timeout,
// and no error message carries the connection string.
#ifndef CALLEXA_SQL_PG_SESSION_H_
#define CALLEXA_SQL_PG_SESSION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>

#include "sql/sql_session.h"

namespace callexa {

struct PgTimeouts {
  int statement_ms = 30000;
  int lock_ms = 10000;
  int idle_in_transaction_ms = 60000;
};

class PgSession : public SqlSession {
 public:
  // Connects with a libpq connection string or URI (passwords come from a
  // passfile, never from the string). Unavailable when the server cannot
  // be reached or refuses; the reason is in the detail, without secrets.
  static Result<std::unique_ptr<PgSession>> Connect(const std::string &conninfo,
                                                    PgTimeouts timeouts = {});
  ~PgSession() override;

  const char *backend() const override { return "postgresql"; }
  Result<std::unique_ptr<SqlStatement>> Prepare(std::string_view sql) override;
  Status Execute(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;

  // For PgStatement: the connection, reset first when it was lost, and how
  // many times it has been (statements prepared before a reset prepare
  // themselves again).
  Result<PGconn *> Connection();
  uint64_t generation() const { return generation_; }
  std::string NextStatementName() { return "callexa_" + std::to_string(++statements_); }

 private:
  PgSession(PGconn *conn, PgTimeouts timeouts) : conn_(conn), timeouts_(timeouts) {}
  Status ApplySettings();

  PGconn *conn_;
  PgTimeouts timeouts_;
  uint64_t generation_ = 0;
  uint64_t statements_ = 0;
};

// `sql` with each ?N outside quotes and comments written $N.
std::string PgParameters(std::string_view sql);

// The Status of a failed libpq result (or of the connection when `result`
// is null): Unavailable for what passes by itself or an operator fixes (a
// lost connection, a timeout, a serialization failure or deadlock, too
// many connections, a read-only or shutting-down server), Conflict for a
// unique violation, IOError otherwise. The detail names the SQLSTATE.
Status PgError(PGconn *conn, const PGresult *result, std::string_view what);

}  // namespace callexa

#endif  // CALLEXA_SQL_PG_SESSION_H_
