#include "sql/sqlite_connections.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sql/sqlite_statement.h"

namespace callexa {
namespace {

// SQLite's own busy handler sleeps 1, 2, 5, 10... ms between tries; the
// other worker's commits take microseconds, so poll finely instead.
int BusyHandler(void *, int attempt) {
  constexpr int kMaxWaitMs = 5000;
  const useconds_t delay = attempt < 20 ? 50 : attempt < 100 ? 200 : 1000;
  const int64_t waited_us = attempt < 20    ? attempt * 50
                            : attempt < 100 ? 1000 + (attempt - 20) * 200
                                            : 17000 + int64_t{attempt - 100} * 1000;
  if (waited_us > kMaxWaitMs * 1000) return 0;
  usleep(delay);
  return 1;
}

// Queues this process behind other workers' writes. SQLite's own lock
// never blocks, it polls; a blocking flock() on a side file wakes the next
// writer the moment the previous one commits. A failed flock() only costs
// that: SQLite's locking still guards the data.
class WriterLock {
 public:
  explicit WriterLock(int fd) : fd_(fd) {
    while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~WriterLock() { flock(fd_, LOCK_UN); }
  WriterLock(const WriterLock &) = delete;
  WriterLock &operator=(const WriterLock &) = delete;

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<SqliteConnections>> SqliteConnections::Open(
    const std::string &path) {
  sqlite3 *db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = "cannot open database \"" + path +
                      "\": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return Status::IOError("cannot open the database", msg);
  }
  std::unique_ptr<SqliteConnections> c(new SqliteConnections(db));  // owns db
  c->writer_lock_fd_ = open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (c->writer_lock_fd_ < 0) {
    return Status::IOError("cannot open the database",
                           "cannot open \"" + path + ".lock\": " + std::strerror(errno));
  }
  sqlite3_busy_handler(db, BusyHandler, nullptr);
  // WAL lets every worker read while one writes. synchronous=NORMAL: a
  // commit survives any crash of nginx; only a power cut can lose the last
  // commits (FULL would fsync each group commit, measured 2-3x slower
  // here). A checkpoint runs inside a commit, under the writer lock: every
  // 8000 pages (32 MB of WAL) instead of SQLite's 1000, measured +15-20%
  // identifies/s on a growing database.
  Status s;
  {
    // Every worker opens the database at the same moment. Two connections
    // switching a new file to WAL at once get "database is locked" without
    // the busy handler being asked, so open one worker at a time.
    WriterLock writer(c->writer_lock_fd_);
    s = SqliteExec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA "
                   "wal_autocheckpoint=8000; "
                   "PRAGMA foreign_keys=ON");
  }
  if (s.ok()) s = c->OpenReportsConnection(path);
  if (!s.ok()) return s.WithDetail("database \"" + path + "\": " + s.ToLogString());
  return c;
}

Status SqliteConnections::OpenReportsConnection(const std::string &path) {
  sqlite3 *db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  reports_db_.reset(db);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open for reports");
  // Readers wait only while a checkpoint or recovery holds the WAL index.
  sqlite3_busy_handler(db, BusyHandler, nullptr);
  reports_session_ = std::make_unique<SqliteSession>(db);
  return Status::Ok();
}

SqliteConnections::~SqliteConnections() {
  if (writer_lock_fd_ >= 0) close(writer_lock_fd_);
}

Status SqliteConnections::Read(const SessionBody &body) {
  std::lock_guard<std::mutex> lock(mu_);
  return body(session_);
}

Status SqliteConnections::Write(const SessionBody &body) {
  std::lock_guard<std::mutex> lock(mu_);
  WriterLock writer(writer_lock_fd_);
  Status s = session_.Begin();
  if (!s.ok()) return s;
  s = body(session_);
  if (s.ok()) s = session_.Commit();
  if (!s.ok()) session_.Rollback();
  return s;
}

Status SqliteConnections::Report(const SessionBody &body) {
  std::lock_guard<std::mutex> lock(reports_mu_);
  // A deferred read transaction: one snapshot of the WAL for every query.
  Status s = SqliteExec(reports_db_.get(), "BEGIN");
  if (!s.ok()) return s;
  s = body(*reports_session_);
  const Status end = SqliteExec(reports_db_.get(), "COMMIT");
  return s.ok() ? end : s;
}

}  // namespace callexa
