#include "store/open_store.h"

#include "sql/pg_connections.h"
#include "sql/sqlite_connections.h"

namespace callexa {

Result<std::unique_ptr<SqlStore>> OpenStore(const std::string &database,
                                            ConnectionEvents events) {
  if (IsPostgresqlConninfo(database)) {
    Status s = CheckPostgresqlConninfo(database);
    if (!s.ok()) return s;
    return SqlStore::Open(std::make_unique<PgConnections>(database, std::move(events)));
  }
  auto connections = SqliteConnections::Open(database);
  if (!connections.ok()) return connections.status();
  return SqlStore::Open(std::move(connections.value()));
}

bool NamesPostgresql(const std::string &database) {
  return IsPostgresqlConninfo(database);
}

Status CheckDatabaseSetting(const std::string &database) {
  return IsPostgresqlConninfo(database) ? CheckPostgresqlConninfo(database)
                                        : Status::Ok();
}

}  // namespace callexa
