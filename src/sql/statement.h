// A statement as the store uses it: a value that owns a session's
// SqlStatement and forwards to it, so that code reads `q.Bind(1, x).Run()`
// on every backend. Prepared from a session, it must not outlive it.
#ifndef CALLEXA_SQL_STATEMENT_H_
#define CALLEXA_SQL_STATEMENT_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/sql_session.h"

namespace callexa {

class Statement {
 public:
  Statement() = default;

  Status Prepare(SqlSession &db, std::string_view sql);

  Statement &Bind(int index, int64_t value) {
    s_->Bind(index, value);
    return *this;
  }
  Statement &Bind(int index, std::string_view value) {
    s_->Bind(index, value);
    return *this;
  }
  Statement &Bind(int index, const std::optional<int64_t> &value) {
    s_->Bind(index, value);
    return *this;
  }
  Statement &BindBlob(int index, std::string_view bytes) {
    s_->BindBlob(index, bytes);
    return *this;
  }

  bool Step() { return s_->Step(); }
  Status Run() { return s_->Run(); }
  void Reset() { s_->Reset(); }
  const Status &status() const { return s_->status(); }
  int64_t RowsChanged() const { return s_->RowsChanged(); }

  int64_t Int(int column) const { return s_->Int(column); }
  std::optional<int64_t> OptionalInt(int column) const { return s_->OptionalInt(column); }
  std::string Text(int column) const { return s_->Text(column); }
  std::string Blob(int column) const { return s_->Blob(column); }

 private:
  std::unique_ptr<SqlStatement> s_;
};

struct StatementText {
  Statement *statement;
  std::string_view sql;
};

// Prepares each statement in turn on `db`; the first error, if any.
Status PrepareAll(SqlSession &db, std::initializer_list<StatementText> statements);

}  // namespace callexa

#endif  // CALLEXA_SQL_STATEMENT_H_
