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

  // A FROM-list item `j` with a row for each member of the JSON object
  // text `object` (a column of an earlier item), none for other JSON: j.key
  // is the member's name, JsonMemberScalar its value. (As for
  // JsonHasInteger, PostgreSQL fails the statement on text that is not JSON.)
  std::string JsonMembers(std::string_view object) const {
    const std::string o(object);
    if (backend_ == SqlBackend::kSqlite) {
      return ", json_each(CASE WHEN json_valid(" + o + ") THEN CASE WHEN json_type(" + o +
             ") = 'object' THEN " + o + " ELSE '{}' END ELSE '{}' END) j";
    }
    return " CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof((" + o +
           ")::jsonb) = 'object' THEN (" + o + ")::jsonb ELSE '{}'::jsonb END) j";
  }

  // The value of a JsonMembers row `j` of `object` when it is a scalar: a
  // string's text, a number or boolean in its JSON form (as JsonMemberText
  // writes it); NULL for null, an array or an object.
  std::string JsonMemberScalar(std::string_view object) const {
    if (backend_ == SqlBackend::kSqlite) {
      return "(CASE j.type WHEN 'text' THEN j.value WHEN 'null' THEN NULL "
             "WHEN 'array' THEN NULL WHEN 'object' THEN NULL ELSE (" +
             std::string(object) + " -> j.fullkey) END)";
    }
    return "(CASE jsonb_typeof(j.value) WHEN 'string' THEN j.value #>> '{}' "
           "WHEN 'number' THEN j.value::text WHEN 'boolean' THEN j.value::text END)";
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
