// Versioned schema of the SQLite store. PRAGMA user_version holds the
// number of migrations applied; each migration runs once, in order, inside
// the same IMMEDIATE transaction that checks the version, so workers that
// start together never apply one twice.
#ifndef CALLEXA_STORE_SCHEMA_H_
#define CALLEXA_STORE_SCHEMA_H_

#include <sqlite3.h>

#include "common/status.h"

namespace callexa {

// Brings the database up to the newest schema version.
Status MigrateSchema(sqlite3 *db);

// The version MigrateSchema leaves behind.
int LatestSchemaVersion();

}  // namespace callexa

#endif  // CALLEXA_STORE_SCHEMA_H_
