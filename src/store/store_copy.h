// Moving a store's database to another backend: every row of every table,
// ids, keys, the token secret and the answer sequence as they are, so that
// survey links already emailed (their tokens are signed with
// settings.token_secret over invitation ids) and Segment's API keys keep
// working. The operator's way from one SQLite file to PostgreSQL is
// CopySqliteToPostgresql (README "Moving to PostgreSQL"; the command is
// `./build.sh move-to-postgresql`, src/tools/callexa_move.c++).
//
// The copy is one write transaction on the target: it lands whole or not
// at all, and a failed move leaves the target as empty as it was. It reads
// one consistent snapshot of the source; what the source's writers commit
// after that snapshot is not carried over, so the hosts that write it stop
// first.
#ifndef CALLEXA_STORE_STORE_COPY_H_
#define CALLEXA_STORE_STORE_COPY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/connections.h"

namespace callexa {

// How a column's values are read and bound.
enum class CopyColumnKind {
  kInt,           // INTEGER / BIGINT NOT NULL
  kOptionalInt,   // INTEGER / BIGINT, NULL allowed
  kText,          // TEXT NOT NULL
  kOptionalText,  // TEXT, NULL allowed
  kBlob,          // BLOB / BYTEA NOT NULL
};

struct CopyColumn {
  const char *name;
  CopyColumnKind kind;
};

struct CopyTable {
  const char *name;
  const char *order_by;  // its primary key, the order rows are read in
  bool identity_id;      // its id comes from a sequence on PostgreSQL
  std::vector<CopyColumn> columns;
};

// Every table the copy carries, parents before children (foreign keys),
// with every column of the newest schema (LatestSchemaVersion()). A
// migration that adds a table or a column adds it here too: the copy
// refuses to run when a database has one this list lacks, and a unit test
// compares the list with both backends' catalogs.
const std::vector<CopyTable> &CopiedTables();

// Tables deliberately not copied: the schema version (each backend keeps
// its own) and the leases of periodic jobs (per run; they expire).
const std::vector<std::string> &TablesNotCopied();

struct CopyReport {
  struct Table {
    std::string name;
    int64_t rows = 0;
  };
  std::vector<Table> tables;  // in CopiedTables() order
};

// Copies every row of `from` into `to`; both are migrated to the newest
// schema first. `to` must hold no row in any copied table but settings
// (whose rows the source's replace: a store that was opened once may have
// made a token secret before it had any survey): Conflict, "not empty",
// otherwise. On PostgreSQL, each identity sequence then continues after
// the highest id copied, and the tables are analyzed. Either backend may
// be the source or the target.
Status CopyStore(SqlConnections &from, SqlConnections &to, CopyReport *report);

// The operator's move: the SQLite database file at `sqlite_path` (which
// must exist and be a Callexa database; it is migrated to the newest
// schema in place, as a new module would) into the PostgreSQL database
// `conninfo` names (a URI or key=value string without a password: the
// passfile holds it), whose schema is made first.
Status CopySqliteToPostgresql(const std::string &sqlite_path, const std::string &conninfo,
                              CopyReport *report);

}  // namespace callexa

#endif  // CALLEXA_STORE_STORE_COPY_H_
