#include "sql/row_batch.h"

#include <nlohmann/json.hpp>

namespace callexa {
namespace {

Status Drain(Statement &q, const std::function<void(const Statement &)> &each) {
  while (q.Step()) each(q);
  Status s = q.status();
  q.Reset();
  return s;
}

// The rows as the JSON array of arrays PostgreSQL's statement expands.
std::string RowsJson(const std::vector<SqlRow> &rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const SqlRow &row : rows) {
    nlohmann::json columns = nlohmann::json::array();
    for (const SqlValue &v : row) {
      if (const int64_t *n = std::get_if<int64_t>(&v)) {
        columns.push_back(*n);
      } else if (const std::string_view *t = std::get_if<std::string_view>(&v)) {
        columns.push_back(std::string(*t));
      } else {
        columns.push_back(nullptr);
      }
    }
    out.push_back(std::move(columns));
  }
  return out.dump();
}

}  // namespace

Status RowBatch::Run(Statement &q, const std::vector<SqlRow> &rows,
                     const std::function<void(Statement &)> &bind,
                     const std::function<void(const Statement &)> &each) const {
  if (one_statement_) {
    bind(q);
    q.Bind(1, RowsJson(rows));
    return Drain(q, each);
  }
  for (const SqlRow &row : rows) {
    bind(q);
    for (size_t i = 0; i < row.size(); ++i) {
      const int index = kFirstColumn + static_cast<int>(i);
      if (const int64_t *n = std::get_if<int64_t>(&row[i])) {
        q.Bind(index, *n);
      } else if (const std::string_view *t = std::get_if<std::string_view>(&row[i])) {
        q.Bind(index, *t);
      } else {
        q.Bind(index, std::optional<int64_t>());
      }
    }
    Status s = Drain(q, each);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace callexa
