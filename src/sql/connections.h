// How a store reaches its database: sessions for reads, for writes and for
// long report reads, each lent to one callback at a time. A backend is a
// session type plus this; the store's logic is written once above it.
//
// Writes are serialised with every other writer of the same database, in
// this process and in every other (nginx's other workers; for PostgreSQL,
// other hosts), so that a write transaction sees the effect of each one
// before it: the store's read-decide-write steps need no retry loop.
#ifndef CALLEXA_SQL_CONNECTIONS_H_
#define CALLEXA_SQL_CONNECTIONS_H_

#include <functional>

#include "common/status.h"
#include "sql/dialect.h"
#include "sql/sql_session.h"

namespace callexa {

using SessionBody = std::function<Status(SqlSession &)>;

// What a backend tells its owner about its connections, for /metrics; each
// may be empty, and is called from the thread that met the event.
struct ConnectionEvents {
  std::function<void()> connect_failed;   // a connection could not be made
  std::function<void()> connection_lost;  // a connection was found lost
};

class SqlConnections {
 public:
  virtual ~SqlConnections() = default;
  virtual const SqlDialect &dialect() const = 0;

  // Runs `body` on a session outside any transaction: each statement sees
  // what was committed before it.
  virtual Status Read(const SessionBody &body) = 0;
  // Runs `body` in one write transaction, committed when it returns Ok and
  // rolled back otherwise. A failed commit is returned as it is.
  virtual Status Write(const SessionBody &body) = 0;
  // Runs `body` as a read of one consistent snapshot that never holds up
  // writes (reports, exports).
  virtual Status Report(const SessionBody &body) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_SQL_CONNECTIONS_H_
