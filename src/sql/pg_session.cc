#include "sql/pg_session.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace callexa {
namespace {

bool IsOk(const PGresult *r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// libpq's messages end with a newline, and may span lines.
std::string OneLine(const char *message) {
  std::string out = message != nullptr ? message : "";
  for (char &c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class PgResult {
 public:
  explicit PgResult(PGresult *r) : r_(r) {}
  ~PgResult() { PQclear(r_); }
  PgResult(const PgResult &) = delete;
  PgResult &operator=(const PgResult &) = delete;
  const PGresult *get() const { return r_; }

 private:
  PGresult *r_;
};

// Type OIDs of what the store binds (pg_type.h is not in libpq-dev).
constexpr Oid kBytea = 17, kInt8 = 20, kText = 25;

// The highest $N in `sql`, the number of parameters the server expects.
int CountParameters(const std::string &sql) {
  int most = 0;
  for (size_t i = 0; i + 1 < sql.size(); ++i) {
    if (sql[i] != '$' || !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) continue;
    most = std::max(most, std::atoi(sql.c_str() + i + 1));
  }
  return most;
}

class PgStatement : public SqlStatement {
 public:
  PgStatement(PgSession *session, std::string sql)
      : session_(session), sql_(std::move(sql)), params_(CountParameters(sql_)) {}
  ~PgStatement() override { PQclear(result_); }

  PgStatement &Bind(int index, int64_t value) override {
    return Set(index, std::to_string(value), kInt8, 0);
  }
  PgStatement &Bind(int index, std::string_view value) override {
    return Set(index, std::string(value), kText, 0);
  }
  PgStatement &Bind(int index, const std::optional<int64_t> &value) override {
    if (value) return Bind(index, *value);
    if (Param *p = Slot(index)) *p = Param{std::nullopt, kInt8, 0};
    return *this;
  }
  PgStatement &BindBlob(int index, std::string_view bytes) override {
    return Set(index, std::string(bytes), kBytea, 1);
  }

  bool Step() override {
    if (result_ == nullptr) {
      if (!Execute()) return false;
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < PQntuples(result_);
  }

  Status Run() override {
    Execute();
    Status s = status_;
    Reset();
    return s;
  }

  void Reset() override {
    PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    for (Param &p : params_) p = Param{};
    status_ = Status::Ok();
  }

  const Status &status() const override { return status_; }
  int64_t RowsChanged() const override { return changed_; }

  int64_t Int(int column) const override {
    const char *v = PQgetvalue(result_, row_, column);
    if (v[0] == 't' || v[0] == 'f') return v[0] == 't';  // a boolean column
    return std::strtoll(v, nullptr, 10);
  }
  std::optional<int64_t> OptionalInt(int column) const override {
    if (PQgetisnull(result_, row_, column)) return std::nullopt;
    return Int(column);
  }
  std::string Text(int column) const override {
    return std::string(PQgetvalue(result_, row_, column),
                       static_cast<size_t>(PQgetlength(result_, row_, column)));
  }
  std::string Blob(int column) const override {
    size_t length = 0;
    unsigned char *bytes = PQunescapeBytea(
        reinterpret_cast<const unsigned char *>(PQgetvalue(result_, row_, column)),
        &length);
    if (bytes == nullptr) return {};
    std::string out(reinterpret_cast<const char *>(bytes), length);
    PQfreemem(bytes);
    return out;
  }

 private:
  struct Param {
    std::optional<std::string> value;  // nullopt: NULL
    Oid type = 0;                      // 0: the server infers it
    int format = 0;                    // 0 text, 1 binary
  };

  // Null for an index the SQL has no parameter for (SQLite ignores such
  // a bind too).
  Param *Slot(int index) {
    if (index < 1 || static_cast<size_t>(index) > params_.size()) return nullptr;
    return &params_[index - 1];
  }
  PgStatement &Set(int index, std::string value, Oid type, int format) {
    if (Param *p = Slot(index)) *p = Param{std::move(value), type, format};
    return *this;
  }

  // Runs with the bound parameters, prepared on the server for these
  // parameter types; false and status() on failure.
  bool Execute() {
    PQclear(result_);
    result_ = nullptr;
    std::vector<Oid> types;
    for (const Param &p : params_) types.push_back(p.type);
    Result<std::string> name = session_->PreparedName(sql_, types);
    if (!name.ok()) {
      status_ = name.status();
      return false;
    }
    Result<PGconn *> conn = session_->Connection();
    if (!conn.ok()) {
      status_ = conn.status();
      return false;
    }
    std::vector<const char *> values;
    std::vector<int> lengths, formats;
    for (const Param &p : params_) {
      values.push_back(p.value ? p.value->data() : nullptr);
      lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
      formats.push_back(p.format);
    }
    result_ = PQexecPrepared(*conn, name->c_str(), static_cast<int>(values.size()),
                             values.data(), lengths.data(), formats.data(), 0);
    if (!IsOk(result_)) {
      status_ = PgError(*conn, result_, "execute");
      PQclear(result_);
      result_ = nullptr;
      return false;
    }
    changed_ = std::strtoll(PQcmdTuples(result_), nullptr, 10);
    return true;
  }

  PgSession *session_;
  const std::string sql_;
  std::vector<Param> params_;
  PGresult *result_ = nullptr;
  int row_ = -1;
  Status status_;
  int64_t changed_ = 0;
};

}  // namespace

std::string PgParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a string or a quoted name: copied whole
      const size_t end = sql.find(c, i + 1);
      const size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('$');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Status PgError(PGconn *conn, const PGresult *result, std::string_view what) {
  std::string detail = "postgresql: ";
  detail += what;
  detail += ": ";
  const char *state =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  detail +=
      OneLine(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  if (!sqlstate.empty()) detail += " (SQLSTATE " + sqlstate + ")";
  const std::string klass = sqlstate.substr(0, 2);
  if (PQstatus(conn) == CONNECTION_BAD || klass == "08" || klass == "53" ||
      klass == "57" || sqlstate.empty()) {
    return Status::Unavailable("the database is unavailable, try again",
                               std::move(detail));
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" ||
      sqlstate == "25006") {
    return Status::Unavailable("the database is busy, try again", std::move(detail));
  }
  if (sqlstate == "23505") return Status::Conflict("already exists", std::move(detail));
  return Status::IOError("database error", std::move(detail));
}

Result<std::unique_ptr<PgSession>> PgSession::Connect(const std::string &conninfo,
                                                      PgTimeouts timeouts) {
  PGconn *conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return Status::Unavailable("out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status s =
        Status::Unavailable("the database is unavailable, try again",
                            "postgresql: connect: " + OneLine(PQerrorMessage(conn)));
    PQfinish(conn);
    return s;
  }
  // The server's notices (a cascading drop, a skipped IF NOT EXISTS)
  // would go to stderr, which nginx does not read.
  PQsetNoticeProcessor(
      conn, [](void *, const char *) {}, nullptr);
  std::unique_ptr<PgSession> session(new PgSession(conn, timeouts));
  Status s = session->ApplySettings();
  if (!s.ok()) return s;
  return session;
}

PgSession::~PgSession() { PQfinish(conn_); }

Status PgSession::ApplySettings() {
  const std::string sql =
      "SET statement_timeout = " + std::to_string(timeouts_.statement_ms) +
      "; SET lock_timeout = " + std::to_string(timeouts_.lock_ms) +
      "; SET idle_in_transaction_session_timeout = " +
      std::to_string(timeouts_.idle_in_transaction_ms);
  PgResult r(PQexec(conn_, sql.c_str()));
  return IsOk(r.get()) ? Status::Ok() : PgError(conn_, r.get(), "settings");
}

Result<PGconn *> PgSession::Connection() {
  if (PQstatus(conn_) == CONNECTION_OK) return conn_;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return PgError(conn_, nullptr, "reconnect");
  prepared_.clear();  // the server forgot them with the old connection
  Status s = ApplySettings();
  if (!s.ok()) return s;
  return conn_;
}

Result<std::unique_ptr<SqlStatement>> PgSession::Prepare(std::string_view sql) {
  return std::unique_ptr<SqlStatement>(new PgStatement(this, PgParameters(sql)));
}

Result<std::string> PgSession::PreparedName(const std::string &sql,
                                            const std::vector<Oid> &types) {
  Result<PGconn *> conn = Connection();
  if (!conn.ok()) return conn.status();
  std::string key;
  for (Oid type : types) key += std::to_string(type) + ",";
  key += sql;
  auto found = prepared_.find(key);
  if (found != prepared_.end()) return found->second;
  const std::string name = "callexa_" + std::to_string(prepared_.size() + 1);
  PgResult prepared(PQprepare(*conn, name.c_str(), sql.c_str(),
                              static_cast<int>(types.size()), types.data()));
  if (!IsOk(prepared.get())) return PgError(*conn, prepared.get(), "prepare");
  prepared_.emplace(std::move(key), name);
  return name;
}

Status PgSession::Execute(std::string_view sql) {
  Result<PGconn *> conn = Connection();
  if (!conn.ok()) return conn.status();
  PgResult r(PQexec(*conn, std::string(sql).c_str()));
  return IsOk(r.get()) ? Status::Ok() : PgError(*conn, r.get(), "execute");
}

Status PgSession::Begin() { return Execute("BEGIN"); }

Status PgSession::Commit() { return Execute("COMMIT"); }

Status PgSession::Rollback() { return Execute("ROLLBACK"); }

}  // namespace callexa
