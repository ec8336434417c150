// callexa-move SQLITE_FILE CONNINFO: moves a Callexa SQLite database into
// an empty PostgreSQL database, every row with its ids, keys and token
// secret (store/store_copy.h), and prints how many rows each table had.
// Run it while the nginx that writes the file is stopped; afterwards set
// callexa_database to CONNINFO. `./build.sh move-to-postgresql` builds and
// runs it.
//
// A .c++ file, like the nginx glue: the module's and the test tree's
// builds take src/**/*.cc, so this main() stays out of both.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "store/store_copy.h"

namespace {

constexpr char kUsage[] =
    "usage: callexa-move SQLITE_FILE CONNINFO\n"
    "\n"
    "Moves the Callexa SQLite database SQLITE_FILE into the empty PostgreSQL\n"
    "database CONNINFO names: a postgresql:// URI or libpq key=value string\n"
    "without a password (a passfile holds it: ?passfile=/etc/nginx/callexa.pgpass).\n"
    "Stop the nginx that uses SQLITE_FILE first. The file stays where it is.\n";

// Run as root, the move opens the file as root: SQLite's side files and
// our writer lock made then would be root's, and an nginx started on the
// file again (going back) could not open them. They become the file's
// owner's.
void GiveSideFilesToOwner(const std::string &path) {
  struct stat db;
  if (geteuid() != 0 || stat(path.c_str(), &db) != 0) return;
  for (const char *suffix : {".lock", "-wal", "-shm"}) {
    const std::string side = path + suffix;
    struct stat st;
    if (stat(side.c_str(), &st) == 0 && st.st_uid == 0 && db.st_uid != 0) {
      if (chown(side.c_str(), db.st_uid, db.st_gid) != 0) {
        std::fprintf(stderr,
                     "callexa-move: warning: cannot give %s to the database's owner\n",
                     side.c_str());
      }
    }
  }
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 3 || argv[1][0] == '\0' || argv[2][0] == '\0') {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string sqlite_path = argv[1], conninfo = argv[2];
  std::printf("callexa-move: moving %s to PostgreSQL\n", sqlite_path.c_str());
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  callexa::CopyReport report;
  const callexa::Status s =
      callexa::CopySqliteToPostgresql(sqlite_path, conninfo, &report);
  GiveSideFilesToOwner(sqlite_path);
  if (!s.ok()) {
    std::fprintf(stderr, "callexa-move: %s\n", s.message().c_str());
    if (!s.detail().empty())
      std::fprintf(stderr, "callexa-move: %s\n", s.detail().c_str());
    std::fprintf(stderr,
                 "callexa-move: no row was copied to PostgreSQL; the SQLite file still "
                 "holds everything\n");
    return 1;
  }
  int64_t total = 0;
  std::printf("  %-16s %12s\n", "table", "rows");
  for (const callexa::CopyReport::Table &t : report.tables) {
    std::printf("  %-16s %12lld\n", t.name.c_str(), static_cast<long long>(t.rows));
    total += t.rows;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("  %-16s %12lld  (%.1f s)\n", "total", static_cast<long long>(total),
              seconds);
  std::printf(
      "callexa-move: done. Set `callexa_database` to the connection string in "
      "nginx.conf\n"
      "and start nginx. Keep %s: it is your way back until you are happy.\n",
      sqlite_path.c_str());
  return 0;
}
