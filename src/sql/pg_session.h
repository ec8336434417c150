// PostgreSQL's SqlSession: one libpq connection, used by one thread at a
// time (a store keeps one per pool thread). Its calls block: they run on
// the thread pools, never on nginx's event loop.
//
// Statements are prepared on the server once per connection, SQL text and
// parameter types (taken from what is bound: bigint, text, bytea), and
// prepared again after a reconnect. A lost connection is reset before the
// next statement; a statement that failed with it is not retried here (only
// the store knows whether a write may be repeated). Every session sets
// statement_timeout, lock_timeout and idle_in_transaction_session_timeout,
// and no error message carries the connection string.
#ifndef CALLEXA_SQL_PG_SESSION_H_
#define CALLEXA_SQL_PG_SESSION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

  // Whether the last call found the connection lost (the next one resets
  // it).
  bool connection_lost() const { return PQstatus(conn_) != CONNECTION_OK; }

  // For PgStatement: the connection, reset first when it was lost.
  Result<PGconn *> Connection();
  // The name `sql` is prepared under on this connection for parameters of
  // `types`, prepared now if it is not yet (or was lost with a reset).
  Result<std::string> PreparedName(const std::string &sql, const std::vector<Oid> &types);

 private:
  PgSession(PGconn *conn, PgTimeouts timeouts) : conn_(conn), timeouts_(timeouts) {}
  Status ApplySettings();

  PGconn *conn_;
  PgTimeouts timeouts_;
  // Server-side statements by parameter types and SQL.
  std::map<std::string, std::string> prepared_;
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
