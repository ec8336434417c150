// Versioned schema of the store. The version is the number of migrations
// applied (SQLite: PRAGMA user_version; PostgreSQL: table schema_version);
// each runs once, in order, inside the write transaction that checks the
// version, so workers and hosts that start together never apply one twice.
#ifndef CALLEXA_STORE_SCHEMA_H_
#define CALLEXA_STORE_SCHEMA_H_

#include "common/status.h"
#include "sql/dialect.h"
#include "sql/sql_session.h"

namespace callexa {

// Brings the database up to the newest schema version, inside the
// caller's write transaction. IOError when the database is newer than
// this code: the caller must not serve.
Status MigrateSchema(SqlSession &db, const SqlDialect &dialect);

// The version MigrateSchema leaves behind.
int LatestSchemaVersion();

}  // namespace callexa

#endif  // CALLEXA_STORE_SCHEMA_H_
