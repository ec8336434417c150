// SQLite's connections: one file in WAL mode, shared by every nginx
// worker. Each worker opens its own connections after fork; a mutex
// serialises the main connection among that worker's pool threads, and a
// blocking flock() on a side file queues writers across workers. Reports
// read on a second, read-only connection with a mutex of its own, so that
// a long report never keeps the worker's commits waiting (WAL: readers and
// the writer do not block each other).
#ifndef CALLEXA_SQL_SQLITE_CONNECTIONS_H_
#define CALLEXA_SQL_SQLITE_CONNECTIONS_H_

#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <string>

#include "sql/connections.h"
#include "sql/sqlite_session.h"

namespace callexa {

class SqliteConnections : public SqlConnections {
 public:
  // Opens (creating if needed) the database file at `path`.
  static Result<std::unique_ptr<SqliteConnections>> Open(const std::string &path);

  SqliteConnections(const SqliteConnections &) = delete;
  SqliteConnections &operator=(const SqliteConnections &) = delete;
  ~SqliteConnections() override;

  const SqlDialect &dialect() const override { return dialect_; }
  Status Read(const SessionBody &body) override;
  Status Write(const SessionBody &body) override;
  Status Report(const SessionBody &body) override;

 private:
  struct Closer {
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
  };

  explicit SqliteConnections(sqlite3 *db) : db_(db), session_(db) {}
  Status OpenReportsConnection(const std::string &path);

  const SqlDialect dialect_{SqlBackend::kSqlite};
  std::mutex mu_;  // serialises db_
  std::unique_ptr<sqlite3, Closer> db_;
  SqliteSession session_;
  std::mutex reports_mu_;  // serialises reports_db_, never held with mu_
  std::unique_ptr<sqlite3, Closer> reports_db_;
  std::unique_ptr<SqliteSession> reports_session_;
  int writer_lock_fd_ = -1;  // flock()ed around each write transaction
};

}  // namespace callexa

#endif  // CALLEXA_SQL_SQLITE_CONNECTIONS_H_
