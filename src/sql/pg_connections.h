// PostgreSQL's connections: a pool of sessions (one per thread that needs
// one at a time; nginx's pool threads), opened lazily after fork and kept.
//
// Writers are serialised fleet-wide by a transaction-level advisory lock
// taken first in every write transaction: the counterpart of SQLite's
// writer lock, so that the store's logic is the same on both backends and
// every host sees each write before it makes its own. Claims of work rows
// are leases in those rows, so a host that dies holds nothing past its
// lease. Reports read one REPEATABLE READ snapshot and take no lock.
#ifndef CALLEXA_SQL_PG_CONNECTIONS_H_
#define CALLEXA_SQL_PG_CONNECTIONS_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sql/connections.h"
#include "sql/pg_session.h"

namespace callexa {

class PgConnections : public SqlConnections {
 public:
  // No connection is made here: the first Read/Write/Report connects.
  explicit PgConnections(std::string conninfo, ConnectionEvents events = {},
                         PgTimeouts timeouts = {})
      : conninfo_(std::move(conninfo)), events_(std::move(events)), timeouts_(timeouts) {}

  const SqlDialect &dialect() const override { return dialect_; }
  Status Read(const SessionBody &body) override;
  Status Write(const SessionBody &body) override;
  Status Report(const SessionBody &body) override;

 private:
  // A session of the pool for the caller alone, connected if none is idle.
  Result<std::unique_ptr<PgSession>> Take();
  void Give(std::unique_ptr<PgSession> session);
  // Runs `body` between `begin` and COMMIT (or ROLLBACK when it fails).
  Status InTransaction(const char *begin, const SessionBody &body);
  // Tells the owner when `session` found its connection lost.
  void NoteLost(const PgSession &session) const;

  const SqlDialect dialect_{SqlBackend::kPostgresql};
  const std::string conninfo_;
  const ConnectionEvents events_;
  const PgTimeouts timeouts_;
  std::mutex mu_;  // guards idle_
  std::vector<std::unique_ptr<PgSession>> idle_;
};

// Whether `database` names a PostgreSQL database (a postgresql:// or
// postgres:// URI, or a libpq key=value string) rather than a SQLite file.
bool IsPostgresqlConninfo(const std::string &database);

// Checks a connection string's form without connecting: libpq parses it
// and it may carry no password (use a passfile). The error says what is
// wrong without repeating the string.
Status CheckPostgresqlConninfo(const std::string &conninfo);

}  // namespace callexa

#endif  // CALLEXA_SQL_PG_CONNECTIONS_H_
