// What differs between the SQL that SQLite and PostgreSQL accept, for the
// few statements the store cannot write once for both. Everything else is
// written in their common subset: ON CONFLICT, RETURNING, CASE, coalesce,
// FILTER, NULLS FIRST/LAST, and ?N parameters.
#ifndef CALLEXA_SQL_DIALECT_H_
#define CALLEXA_SQL_DIALECT_H_

#include <string>
#include <string_view>

namespace callexa {

enum class SqlBackend { kSqlite, kPostgresql };

class SqlDialect {
 public:
  explicit SqlDialect(SqlBackend backend) : backend_(backend) {}

  SqlBackend backend() const { return backend_; }
  const char *name() const {
    return backend_ == SqlBackend::kSqlite ? "sqlite" : "postgresql";
  }

  // The larger of two non-NULL values.
  std::string Greatest(std::string_view a, std::string_view b) const {
    return Call(backend_ == SqlBackend::kSqlite ? "max" : "greatest", a, b);
  }

  // JSON object text `patch` merged into `target` (RFC 7396 at the top
  // level: a key in `patch` replaces it, a null removes it), as text.
  std::string JsonMerge(std::string_view target, std::string_view patch) const {
    if (backend_ == SqlBackend::kSqlite) return Call("json_patch", target, patch);
    return "jsonb_strip_nulls((" + std::string(target) + ")::jsonb || (" +
           std::string(patch) + ")::jsonb)::text";
  }

  // Whether the JSON text `object` is an object whose member `key` (a text
  // expression) is an integer, for a WHERE clause. SQLite passes over text
  // that is not JSON; PostgreSQL fails the statement on it.
  std::string JsonHasInteger(std::string_view object, std::string_view key) const {
    const std::string o(object), k(key);
    if (backend_ == SqlBackend::kSqlite) {
      return "(json_valid(" + o + ") AND EXISTS (SELECT 1 FROM json_each(" + o +
             ") r WHERE r.key = " + k + " AND r.type = 'integer'))";
    }
    const std::string member = "(" + o + ")::jsonb -> CAST(" + k + " AS text)";
    return "(jsonb_typeof(" + member + ") = 'number' AND (" + member +
           ")::text ~ '^-?[0-9]+$')";
  }

  // The JSON text of member `key` (a text expression, without a double
  // quote) of the JSON object text `object`, NULL when it has none: a
  // string quoted, a number, boolean or null as written. (PostgreSQL
  // writes numbers in their decimal form, 100 for 1e2, and strings with
  // the escapes JSON requires and no others.)
  std::string JsonMemberText(std::string_view object, std::string_view key) const {
    if (backend_ == SqlBackend::kSqlite) {
      return "(" + std::string(object) + " -> ('$.\"' || " + std::string(key) +
             " || '\"'))";
    }
    return "((" + std::string(object) + ")::jsonb -> CAST(" + std::string(key) +
           " AS text))::text";
  }

  // After a table in FROM: the index SQLite's planner must use for it
  // (PostgreSQL's chooses by its statistics).
  std::string IndexedBy(std::string_view index) const {
    if (backend_ == SqlBackend::kSqlite) return " INDEXED BY " + std::string(index);
    return "";
  }

  // One row, one column: the database's size in bytes (SQLite: its
  // pages; PostgreSQL: the files of the whole database).
  const char *DatabaseSizeSql() const {
    return backend_ == SqlBackend::kSqlite
               ? "SELECT page_count * page_size FROM pragma_page_count(), "
                 "pragma_page_size()"
               : "SELECT pg_database_size(current_database())";
  }

 private:
  static std::string Call(std::string_view fn, std::string_view a, std::string_view b) {
    return std::string(fn) + "(" + std::string(a) + ", " + std::string(b) + ")";
  }

  SqlBackend backend_;
};

}  // namespace callexa

#endif  // CALLEXA_SQL_DIALECT_H_
