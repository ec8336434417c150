// Many rows into one statement, as each backend does it best. PostgreSQL
// is a round trip away: the rows travel as one JSON array parameter (?1)
// that the statement expands, and it runs once. SQLite runs in this
// process, where reading that JSON again for every column costs more than
// the statements it saves: the statement runs once per row, the row's
// columns bound as ?11, ?12, ... The statement's own parameters are ?2 to
// ?10 on both.
//
//   RowBatch rows(dialect);
//   "INSERT INTO t (a, b) SELECT " + rows.Int(0) + ", " + rows.Text(1) +
//   " FROM " + rows.From() + " WHERE true"
#ifndef CALLEXA_SQL_ROW_BATCH_H_
#define CALLEXA_SQL_ROW_BATCH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "sql/dialect.h"
#include "sql/statement.h"

namespace callexa {

// A column's value: NULL, an integer or text (borrowed: it must outlive
// the Run it is given to).
using SqlValue = std::variant<std::monostate, int64_t, std::string_view>;
using SqlRow = std::vector<SqlValue>;

class RowBatch {
 public:
  explicit RowBatch(const SqlDialect &dialect)
      : one_statement_(dialect.backend() == SqlBackend::kPostgresql) {}

  // The rows as table `r`, for FROM.
  std::string From() const {
    return one_statement_ ? "jsonb_array_elements(CAST(?1 AS jsonb)) AS r(value)"
                          : "(SELECT 1) AS r";
  }
  // Column `i` of a row as text, and as an integer.
  std::string Text(int i) const {
    return one_statement_ ? "(r.value ->> " + std::to_string(i) + ")"
                          : "?" + std::to_string(kFirstColumn + i);
  }
  std::string Int(int i) const { return "CAST(" + Text(i) + " AS BIGINT)"; }

  // Runs `q` over `rows`: `bind` binds the statement's own parameters
  // before each run, `each` sees every row the runs return.
  Status Run(Statement &q, const std::vector<SqlRow> &rows,
             const std::function<void(Statement &)> &bind,
             const std::function<void(const Statement &)> &each) const;

 private:
  static constexpr int kFirstColumn = 11;
  const bool one_statement_;
};

}  // namespace callexa

#endif  // CALLEXA_SQL_ROW_BATCH_H_
