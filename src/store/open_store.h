// The store the operator's `callexa_database` names: a PostgreSQL
// connection string (postgresql://..., or libpq's key=value form) or the
// path of a SQLite file.
#ifndef CALLEXA_STORE_OPEN_STORE_H_
#define CALLEXA_STORE_OPEN_STORE_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "store/sql_store.h"

namespace callexa {

// Opens and migrates the store; call it after fork, in each worker.
// `events` hears of PostgreSQL's connection errors.
Result<std::unique_ptr<SqlStore>> OpenStore(const std::string &database,
                                            ConnectionEvents events = {});

// Whether `database` is a PostgreSQL connection string rather than a path.
bool NamesPostgresql(const std::string &database);

// Checks what `database` names without opening it (nginx -t): a
// PostgreSQL string's form, or nothing for a file path.
Status CheckDatabaseSetting(const std::string &database);

}  // namespace callexa

#endif  // CALLEXA_STORE_OPEN_STORE_H_
