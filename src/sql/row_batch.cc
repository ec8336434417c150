#include "sql/row_batch.h"

namespace callexa {
namespace {

Status Drain(Statement &q, const std::function<void(const Statement &)> &each) {
  while (q.Step()) each(q);
  Status s = q.status();
  q.Reset();
  return s;
}

}  // namespace

Status RowBatch::Run(Statement &q, const nlohmann::json &rows,
                     const std::function<void(Statement &)> &bind,
                     const std::function<void(const Statement &)> &each) const {
  if (one_statement_) {
    bind(q);
    q.Bind(1, rows.dump());
    return Drain(q, each);
  }
  for (const nlohmann::json &row : rows) {
    bind(q);
    for (size_t i = 0; i < row.size(); ++i) {
      const int index = kFirstColumn + static_cast<int>(i);
      if (row[i].is_number_integer()) {
        q.Bind(index, row[i].get<int64_t>());
      } else if (row[i].is_string()) {
        q.Bind(index, std::string_view(row[i].get_ref<const std::string &>()));
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
