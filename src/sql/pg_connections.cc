#include "sql/pg_connections.h"

#include <libpq-fe.h>

#include <cctype>

namespace callexa {
namespace {

// The key of the writers' advisory lock ("callexa" in ASCII): one per
// database, whatever the schema.
constexpr const char kLockWriters[] = "SELECT pg_advisory_xact_lock(27973140997306465)";

}  // namespace

Result<std::unique_ptr<PgSession>> PgConnections::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<PgSession> session = std::move(idle_.back());
      idle_.pop_back();
      return session;
    }
  }
  Result<std::unique_ptr<PgSession>> session = PgSession::Connect(conninfo_, timeouts_);
  if (!session.ok() && events_.connect_failed) events_.connect_failed();
  return session;
}

void PgConnections::NoteLost(const PgSession &session) const {
  if (session.connection_lost() && events_.connection_lost) events_.connection_lost();
}

void PgConnections::Give(std::unique_ptr<PgSession> session) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(session));
}

Status PgConnections::Read(const SessionBody &body) {
  Result<std::unique_ptr<PgSession>> session = Take();
  if (!session.ok()) return session.status();
  Status s = body(**session);
  // Reads repeat safely: once more when the connection turned out lost.
  if (!s.ok() && (*session)->connection_lost()) {
    NoteLost(**session);
    s = body(**session);
  }
  Give(std::move(session.value()));
  return s;
}

Status PgConnections::InTransaction(const char *begin, const SessionBody &body) {
  Result<std::unique_ptr<PgSession>> taken = Take();
  if (!taken.ok()) return taken.status();
  PgSession &session = **taken;
  Status s = session.Execute(begin);
  // A connection the server dropped while it sat in the pool (a restart,
  // a failover) is found out here, before anything ran: try once more on
  // a fresh one.
  if (!s.ok() && session.connection_lost()) {
    NoteLost(session);
    s = session.Execute(begin);
  }
  if (s.ok()) s = body(session);
  if (s.ok()) {
    s = session.Commit();
  } else {
    session.Rollback();
  }
  if (!s.ok()) NoteLost(session);
  Give(std::move(taken.value()));
  return s;
}

Status PgConnections::Write(const SessionBody &body) {
  return InTransaction("BEGIN", [&](SqlSession &db) -> Status {
    Status s = db.Execute(kLockWriters);
    return s.ok() ? body(db) : s;
  });
}

Status PgConnections::Report(const SessionBody &body) {
  return InTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body);
}

bool IsPostgresqlConninfo(const std::string &database) {
  if (database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0) {
    return true;
  }
  // libpq's key=value form starts with a keyword and '=' ("host=db
  // dbname=callexa"); a file path never does.
  size_t i = 0;
  while (i < database.size() &&
         (std::islower(static_cast<unsigned char>(database[i])) || database[i] == '_')) {
    ++i;
  }
  while (i < database.size() && database[i] == ' ') ++i;
  return i > 0 && i < database.size() && database[i] == '=';
}

Status CheckPostgresqlConninfo(const std::string &conninfo) {
  char *error = nullptr;
  PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::InvalidArgument("invalid PostgreSQL connection string: " + why);
  }
  bool has_password = false;
  for (PQconninfoOption *o = options; o->keyword != nullptr; ++o) {
    if (std::string(o->keyword) == "password" && o->val != nullptr && o->val[0] != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(options);
  if (has_password) {
    return Status::InvalidArgument(
        "the PostgreSQL connection string carries a password: put it in a password "
        "file (passfile=...) so that it never reaches a log or an error message");
  }
  return Status::Ok();
}

}  // namespace callexa
