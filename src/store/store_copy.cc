#include "store/store_copy.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "sql/pg_connections.h"
#include "sql/sqlite_connections.h"
#include "sql/statement.h"
#include "store/schema.h"

namespace callexa {
namespace {

using K = CopyColumnKind;

// Rows go to the target in multi-row INSERTs: one round trip per batch
// instead of per row. A batch stays under SQLite's 32766 parameters and
// holds at most a few MB of values (images).
constexpr int kMaxBatchRows = 500;
constexpr int kMaxBatchParameters = 30000;
constexpr size_t kMaxBatchBytes = size_t{8} << 20;

// The one table whose rows may already be on the target: the source's win.
constexpr char kSettings[] = "settings";

bool IsPostgresql(const SqlConnections &c) {
  return c.dialect().backend() == SqlBackend::kPostgresql;
}

std::string Join(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// One column's value of one row, as read from the source.
struct Value {
  std::optional<int64_t> number;  // kInt, kOptionalInt
  std::string bytes;              // kText, kOptionalText, kBlob
  bool null = false;              // kOptionalText
};

// The names `sql` lists in its first column, `parameter` bound as ?1 when
// it is not empty.
Result<std::vector<std::string>> ReadNames(SqlSession &db, const std::string &sql,
                                           const std::string &parameter = "") {
  Statement q;
  Status s = q.Prepare(db, sql);
  if (!s.ok()) return s;
  if (!parameter.empty()) q.Bind(1, std::string_view(parameter));
  std::vector<std::string> names;
  while (q.Step()) names.push_back(q.Text(0));
  if (!q.status().ok()) return q.status();
  q.Reset();
  return names;
}

Status SchemaMismatch(const std::string &detail) {
  return Status::IOError(
      "the database's tables are not the ones this copy knows: nothing was copied",
      detail);
}

// Checks that `db` has exactly the columns CopiedTables() lists, in that
// order, and (SQLite, a file of ours alone) no table the list lacks, so
// that nothing is left behind unnoticed. `side` names the database.
Status CheckSchema(SqlSession &db, const SqlDialect &dialect, const std::string &side) {
  const bool sqlite = dialect.backend() == SqlBackend::kSqlite;
  const std::string columns_sql =
      sqlite ? "SELECT name FROM pragma_table_info(?1) ORDER BY cid"
             : "SELECT CAST(column_name AS text) FROM information_schema.columns "
               "WHERE table_schema = current_schema() AND table_name = ?1 "
               "ORDER BY ordinal_position";
  for (const CopyTable &table : CopiedTables()) {
    auto have = ReadNames(db, columns_sql, table.name);
    if (!have.ok()) return have.status();
    std::vector<std::string> want;
    for (const CopyColumn &c : table.columns) want.emplace_back(c.name);
    if (*have != want) {
      return SchemaMismatch(side + " database, table " + table.name + ": columns (" +
                            Join(*have) + "), the copy knows (" + Join(want) + ")");
    }
  }
  if (!sqlite) return Status::Ok();
  auto tables = ReadNames(db,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                          "name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name");
  if (!tables.ok()) return tables.status();
  std::set<std::string> known(TablesNotCopied().begin(), TablesNotCopied().end());
  for (const CopyTable &table : CopiedTables()) known.insert(table.name);
  for (const std::string &name : *tables) {
    if (known.count(name) == 0) {
      return SchemaMismatch(side + " database: table " + name +
                            " is not one the copy knows");
    }
  }
  return Status::Ok();
}

// Conflict unless every copied table but settings is empty on the target.
Status CheckEmpty(SqlSession &db) {
  std::vector<std::string> holding;
  for (const CopyTable &table : CopiedTables()) {
    if (std::string(table.name) == kSettings) continue;
    Statement q;
    Status s = q.Prepare(db, std::string("SELECT 1 FROM ") + table.name + " LIMIT 1");
    if (!s.ok()) return s;
    if (q.Step()) holding.emplace_back(table.name);
    if (!q.status().ok()) return q.status();
    q.Reset();
  }
  if (holding.empty()) return Status::Ok();
  return Status::Conflict(
      "the target database is not empty: nothing was copied",
      "the target database is not empty (rows in " + Join(holding) +
          "): move into a new, empty database, or drop its Callexa tables first");
}

// Copies one table's rows, in its key's order, in batches.
class TableCopier {
 public:
  TableCopier(const CopyTable &table, SqlSession &target)
      : table_(table), target_(target) {
    for (const CopyColumn &c : table_.columns) {
      if (c.kind == K::kOptionalText) ++null_flags_;
    }
    per_row_ = static_cast<int>(table_.columns.size()) + null_flags_;
    batch_rows_ = std::max(1, std::min(kMaxBatchRows, kMaxBatchParameters / per_row_));
  }

  Status Copy(SqlSession &source, int64_t *rows) {
    Statement read;
    Status s = read.Prepare(source, SelectSql());
    if (!s.ok()) return s;
    const int columns = static_cast<int>(table_.columns.size());
    while (s.ok() && read.Step()) {
      int flag = columns;
      for (int i = 0; i < columns; ++i) {
        Value v;
        switch (table_.columns[i].kind) {
          case K::kInt:
            v.number = read.Int(i);
            break;
          case K::kOptionalInt:
            v.number = read.OptionalInt(i);
            break;
          case K::kText:
            v.bytes = read.Text(i);
            break;
          case K::kOptionalText:
            v.bytes = read.Text(i);
            v.null = read.Int(flag++) != 0;
            break;
          case K::kBlob:
            v.bytes = read.Blob(i);
            break;
        }
        pending_bytes_ += v.bytes.size() + 8;
        pending_.push_back(std::move(v));
      }
      if (PendingRows() >= batch_rows_ || pending_bytes_ >= kMaxBatchBytes) s = Flush();
    }
    if (s.ok()) s = read.status();
    read.Reset();
    if (s.ok()) s = Flush();
    *rows = copied_;
    return s;
  }

 private:
  int PendingRows() const {
    return static_cast<int>(pending_.size() / table_.columns.size());
  }

  std::string ColumnList() const {
    std::string out;
    for (const CopyColumn &c : table_.columns)
      out += (out.empty() ? "" : ", ") + std::string(c.name);
    return out;
  }

  // The columns, then a 0/1 NULL flag per optional text column (Text()
  // reads NULL and '' alike).
  std::string SelectSql() const {
    std::string sql = "SELECT " + ColumnList();
    for (const CopyColumn &c : table_.columns) {
      if (c.kind == K::kOptionalText) {
        sql += std::string(", CASE WHEN ") + c.name + " IS NULL THEN 1 ELSE 0 END";
      }
    }
    return sql + " FROM " + table_.name + " ORDER BY " + table_.order_by;
  }

  // An INSERT of `rows` rows: row r's column i is parameter r * per_row_ +
  // i + 1, its NULL flag (optional text) after the row's columns.
  std::string InsertSql(int rows) const {
    std::string sql =
        std::string("INSERT INTO ") + table_.name + " (" + ColumnList() + ") VALUES ";
    const int columns = static_cast<int>(table_.columns.size());
    for (int r = 0; r < rows; ++r) {
      const int base = r * per_row_;
      int flag = base + columns;
      sql += r == 0 ? "(" : ", (";
      for (int i = 0; i < columns; ++i) {
        const std::string p = "?" + std::to_string(base + i + 1);
        if (i > 0) sql += ", ";
        if (table_.columns[i].kind == K::kOptionalText) {
          sql += "CASE WHEN ?" + std::to_string(++flag) + " = 1 THEN NULL ELSE " + p +
                 " END";
        } else {
          sql += p;
        }
      }
      sql += ")";
    }
    if (std::string(table_.name) == kSettings) {
      sql += " ON CONFLICT (name) DO UPDATE SET value = excluded.value";
    }
    return sql;
  }

  Status Flush() {
    const int rows = PendingRows();
    if (rows == 0) return Status::Ok();
    Statement &insert = inserts_[rows];
    Status s = Status::Ok();
    if (!prepared_.count(rows)) {
      s = insert.Prepare(target_, InsertSql(rows));
      if (!s.ok()) return s;
      prepared_.insert(rows);
    }
    const int columns = static_cast<int>(table_.columns.size());
    for (int r = 0; r < rows; ++r) {
      const int base = r * per_row_;
      int flag = base + columns;
      for (int i = 0; i < columns; ++i) {
        const Value &v = pending_[static_cast<size_t>(r * columns + i)];
        const int p = base + i + 1;
        switch (table_.columns[i].kind) {
          case K::kInt:
            insert.Bind(p, *v.number);
            break;
          case K::kOptionalInt:
            insert.Bind(p, v.number);
            break;
          case K::kText:
            insert.Bind(p, std::string_view(v.bytes));
            break;
          case K::kOptionalText:
            insert.Bind(p, std::string_view(v.bytes));
            insert.Bind(++flag, int64_t{v.null ? 1 : 0});
            break;
          case K::kBlob:
            insert.BindBlob(p, v.bytes);
            break;
        }
      }
    }
    s = insert.Run();
    if (s.ok() && insert.RowsChanged() != rows) {
      s = Status::IOError("the copy lost rows", std::to_string(rows) +
                                                    " rows written as " +
                                                    std::to_string(insert.RowsChanged()));
    }
    if (!s.ok()) return s;
    copied_ += rows;
    pending_.clear();
    pending_bytes_ = 0;
    return Status::Ok();
  }

  const CopyTable &table_;
  SqlSession &target_;
  int null_flags_ = 0;
  int per_row_ = 0;
  int batch_rows_ = 1;
  std::vector<Value> pending_;  // rows waiting, column by column
  size_t pending_bytes_ = 0;
  int64_t copied_ = 0;
  std::map<int, Statement> inserts_;  // by rows
  std::set<int> prepared_;
};

// Each identity sequence continues after the highest id copied; left
// alone for an empty table (its first id is 1).
Status MoveSequences(SqlSession &db) {
  for (const CopyTable &table : CopiedTables()) {
    if (!table.identity_id) continue;
    const std::string name = table.name;
    Statement q;
    Status s =
        q.Prepare(db, "SELECT setval(pg_get_serial_sequence('" + name +
                          "', 'id'), max(id)) FROM " + name + " HAVING count(*) > 0");
    if (!s.ok()) return s;
    while (q.Step()) {
    }
    s = q.status();
    q.Reset();
    if (!s.ok()) return s.WithDetail("sequence of " + name + ": " + s.ToLogString());
  }
  return Status::Ok();
}

// The planner's statistics at once, not at autovacuum's leisure: ANALYZE
// counts the rows this transaction wrote.
Status Analyze(SqlSession &db) {
  std::vector<std::string> names;
  for (const CopyTable &table : CopiedTables()) names.emplace_back(table.name);
  return db.Execute("ANALYZE " + Join(names));
}

Status Migrate(SqlConnections &c) {
  return c.Write([&c](SqlSession &db) { return MigrateSchema(db, c.dialect()); });
}

}  // namespace

const std::vector<CopyTable> &CopiedTables() {
  static const std::vector<CopyTable> *const tables = new std::vector<CopyTable>{
      {"surveys",
       "id",
       true,
       {{"id", K::kInt},
        {"public_id", K::kText},
        {"api_key", K::kText},
        {"key_prefix", K::kText},
        {"name", K::kText},
        {"min_delay_days", K::kInt},
        {"max_delay_days", K::kInt},
        {"resurvey_interval_days", K::kInt},
        {"automation", K::kInt},
        {"segment_write_key", K::kText},
        {"monthly_budget", K::kOptionalInt},
        {"created_at", K::kInt},
        {"updated_at", K::kInt},
        {"content", K::kText},
        {"embed_origins", K::kText},
        {"retention_months", K::kOptionalInt},
        {"report_frequency", K::kText},
        {"report_recipients", K::kText},
        {"archived_at", K::kOptionalInt},
        {"alerts", K::kText},
        {"reply_to", K::kText},
        {"reminder_after_days", K::kOptionalInt},
        {"send_window", K::kOptionalText}}},
      {"customers",
       "id",
       true,
       {{"id", K::kInt},
        {"survey_id", K::kInt},
        {"email", K::kText},
        {"user_id", K::kText},
        {"anonymous_id", K::kText},
        {"first_name", K::kText},
        {"last_name", K::kText},
        {"name", K::kText},
        {"gender", K::kText},
        {"created_at", K::kOptionalInt},
        {"traits", K::kText},
        {"first_seen_at", K::kInt},
        {"last_seen_at", K::kInt},
        {"last_decision", K::kText},
        {"last_decision_at", K::kOptionalInt},
        {"pending_due_at", K::kOptionalInt},
        {"pending_since", K::kOptionalInt},
        {"last_surveyed_at", K::kOptionalInt}}},
      {"invitations",
       "id",
       true,
       {{"id", K::kInt},
        {"survey_id", K::kInt},
        {"customer_id", K::kInt},
        {"status", K::kText},
        {"due_at", K::kInt},
        {"created_at", K::kInt},
        {"sent_at", K::kOptionalInt},
        {"updated_at", K::kInt},
        {"attempts", K::kInt},
        {"next_attempt_at", K::kOptionalInt},
        {"lease_owner", K::kText},
        {"last_error", K::kText},
        {"message_id", K::kText},
        {"answered_at", K::kOptionalInt}}},
      {"survey_months",
       "survey_id, month_start",
       false,
       {{"survey_id", K::kInt}, {"month_start", K::kInt}, {"invitations", K::kInt}}},
      {"suppressions",
       "email",
       false,
       {{"email", K::kText}, {"reason", K::kText}, {"created_at", K::kInt}}},
      {"seen_messages",
       "survey_id, message_id",
       false,
       {{"survey_id", K::kInt}, {"message_id", K::kText}, {"received_at", K::kInt}}},
      // next_answer_at is copied as it is; the target's triggers work it out
      // again from the rows, to the same value.
      {"answers",
       "invitation_id",
       false,
       {{"invitation_id", K::kInt},
        {"survey_id", K::kInt},
        {"customer_id", K::kInt},
        {"score", K::kInt},
        {"comment", K::kText},
        {"tag_ratings", K::kText},
        {"extra_answers", K::kText},
        {"consent", K::kInt},
        {"created_at", K::kInt},
        {"answered_at", K::kInt},
        {"change_seq", K::kInt},
        {"consent_text", K::kText},
        {"next_answer_at", K::kOptionalInt},
        {"review_clicked_at", K::kOptionalInt}}},
      // token_secret (the survey links' signatures), answer_seq (sync-back's
      // cursors count on it never going back), lease_takeovers.
      {kSettings, "name", false, {{"name", K::kText}, {"value", K::kText}}},
      {"sync_state",
       "survey_id",
       false,
       {{"survey_id", K::kInt},
        {"cursor_seq", K::kInt},
        {"last_run_started_at", K::kOptionalInt},
        {"last_run_finished_at", K::kOptionalInt},
        {"last_success_at", K::kOptionalInt},
        {"next_run_at", K::kOptionalInt},
        {"messages_sent", K::kInt},
        {"requests_made", K::kInt},
        {"last_error", K::kText},
        {"run_requested", K::kInt},
        {"failures", K::kInt},
        {"messages_skipped", K::kInt}}},
      {"images",
       "id",
       true,
       {{"id", K::kInt},
        {"key", K::kText},
        {"content_type", K::kText},
        {"data", K::kBlob},
        {"created_at", K::kInt}}},
      {"testimonials",
       "invitation_id",
       false,
       {{"invitation_id", K::kInt},
        {"survey_id", K::kInt},
        {"status", K::kText},
        {"display_text", K::kText},
        {"name_format", K::kText},
        {"created_at", K::kInt},
        {"decided_at", K::kOptionalInt},
        {"updated_at", K::kInt}}},
      {"report_runs",
       "survey_id, period_from",
       false,
       {{"survey_id", K::kInt},
        {"period_from", K::kInt},
        {"period_to", K::kInt},
        {"status", K::kText},
        {"lease_owner", K::kOptionalText},
        {"lease_until", K::kOptionalInt},
        {"attempts", K::kInt},
        {"retry_at", K::kInt},
        {"handled", K::kText},
        {"last_error", K::kText},
        {"created_at", K::kInt},
        {"finished_at", K::kOptionalInt}}},
      {"audit_log",
       "id",
       true,
       {{"id", K::kInt},
        {"at", K::kInt},
        {"actor", K::kText},
        {"role", K::kText},
        {"action", K::kText},
        {"survey_id", K::kOptionalInt},
        {"details", K::kText}}},
      {"answer_alerts",
       "invitation_id",
       false,
       {{"invitation_id", K::kInt},
        {"survey_id", K::kInt},
        {"status", K::kText},
        {"due_at", K::kInt},
        {"lease_owner", K::kOptionalText},
        {"lease_until", K::kOptionalInt},
        {"attempts", K::kInt},
        {"retry_at", K::kInt},
        {"last_error", K::kText},
        {"created_at", K::kInt},
        {"sent_at", K::kOptionalInt}}},
      {"webhooks",
       "id",
       true,
       {{"id", K::kInt},
        {"survey_id", K::kInt},
        {"url", K::kText},
        {"events", K::kText},
        {"format", K::kText},
        {"secret", K::kText},
        {"created_at", K::kInt},
        {"failing_since", K::kOptionalInt},
        {"disabled_at", K::kOptionalInt},
        {"disabled_reason", K::kText}}},
      {"webhook_deliveries",
       "id",
       true,
       {{"id", K::kInt},
        {"webhook_id", K::kInt},
        {"survey_id", K::kInt},
        {"invitation_id", K::kOptionalInt},
        {"event_id", K::kText},
        {"type", K::kText},
        {"payload", K::kText},
        {"status", K::kText},
        {"attempts", K::kInt},
        {"next_attempt_at", K::kInt},
        {"lease_owner", K::kOptionalText},
        {"lease_until", K::kOptionalInt},
        {"last_status", K::kOptionalInt},
        {"last_error", K::kText},
        {"latency_ms", K::kOptionalInt},
        {"created_at", K::kInt},
        {"finished_at", K::kOptionalInt}}},
      {"follow_ups",
       "invitation_id",
       false,
       {{"invitation_id", K::kInt},
        {"survey_id", K::kInt},
        {"status", K::kText},
        {"assignee", K::kText},
        {"opened_at", K::kInt},
        {"opened_by", K::kText},
        {"closed_at", K::kOptionalInt},
        {"updated_at", K::kInt}}},
      {"follow_up_entries",
       "id",
       true,
       {{"id", K::kInt},
        {"invitation_id", K::kInt},
        {"survey_id", K::kInt},
        {"kind", K::kText},
        {"actor", K::kText},
        {"text", K::kText},
        {"created_at", K::kInt},
        {"mail_status", K::kOptionalText},
        {"message_id", K::kText},
        {"attempts", K::kInt},
        {"next_attempt_at", K::kOptionalInt},
        {"lease_owner", K::kOptionalText},
        {"lease_until", K::kOptionalInt},
        {"last_error", K::kText},
        {"sent_at", K::kOptionalInt}}},
      {"reminders",
       "invitation_id",
       false,
       {{"invitation_id", K::kInt},
        {"survey_id", K::kInt},
        {"status", K::kText},
        {"due_at", K::kInt},
        {"attempts", K::kInt},
        {"next_attempt_at", K::kOptionalInt},
        {"lease_owner", K::kText},
        {"last_error", K::kText},
        {"message_id", K::kText},
        {"created_at", K::kInt},
        {"updated_at", K::kInt},
        {"sent_at", K::kOptionalInt}}},
  };
  return *tables;
}

const std::vector<std::string> &TablesNotCopied() {
  static const std::vector<std::string> *const tables =
      new std::vector<std::string>{"schema_version", "job_leases"};
  return *tables;
}

Status CopyStore(SqlConnections &from, SqlConnections &to, CopyReport *report) {
  Status s = Migrate(from);
  if (!s.ok()) return s.WithDetail("source database: migrate: " + s.ToLogString());
  s = Migrate(to);
  if (!s.ok()) return s.WithDetail("target database: migrate: " + s.ToLogString());
  CopyReport done;
  s = to.Write([&](SqlSession &target) -> Status {
    Status s = CheckSchema(target, to.dialect(), "target");
    if (s.ok()) s = CheckEmpty(target);
    if (!s.ok()) return s;
    s = from.Report([&](SqlSession &source) -> Status {
      Status s = CheckSchema(source, from.dialect(), "source");
      for (const CopyTable &table : CopiedTables()) {
        if (!s.ok()) break;
        int64_t rows = 0;
        s = TableCopier(table, target).Copy(source, &rows);
        if (!s.ok()) {
          s = s.WithDetail(std::string("table ") + table.name + " (after " +
                           std::to_string(rows) + " rows): " + s.ToLogString());
        }
        done.tables.push_back({table.name, rows});
      }
      return s;
    });
    if (s.ok() && IsPostgresql(to)) s = MoveSequences(target);
    if (s.ok() && IsPostgresql(to)) s = Analyze(target);
    return s;
  });
  if (s.ok() && report != nullptr) *report = std::move(done);
  return s;
}

Status CopySqliteToPostgresql(const std::string &sqlite_path, const std::string &conninfo,
                              CopyReport *report) {
  if (!IsPostgresqlConninfo(conninfo)) {
    return Status::InvalidArgument(
        "not a PostgreSQL connection string: give a postgresql:// URI or libpq's "
        "key=value form");
  }
  Status s = CheckPostgresqlConninfo(conninfo);  // refuses a password
  if (!s.ok()) return s;
  // Not repeated: the arguments the wrong way round, it may hold a password.
  if (IsPostgresqlConninfo(sqlite_path)) {
    return Status::InvalidArgument(
        "the SQLite database's path is a PostgreSQL connection string: the file first, "
        "then the connection string");
  }
  // Opening would make a new, empty database where the path is wrong.
  struct stat st;
  const char *missing = nullptr;
  if (stat(sqlite_path.c_str(), &st) != 0) {
    missing = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    missing = "not a regular file";
  }
  if (missing != nullptr) {
    return Status::NotFound(
        "no SQLite database at that path",
        "no SQLite database file at \"" + sqlite_path + "\": " + missing);
  }
  auto sqlite = SqliteConnections::Open(sqlite_path);
  if (!sqlite.ok()) return sqlite.status();
  // A file without a schema version is not a Callexa database (an empty
  // file, another application's): it is not made into an empty one.
  int64_t version = 0;
  s = (*sqlite)->Read([&version](SqlSession &db) {
    Statement q;
    Status s = q.Prepare(db, "PRAGMA user_version");
    if (s.ok() && q.Step()) version = q.Int(0);
    if (s.ok()) s = q.status();
    return s;
  });
  if (!s.ok()) return s.WithDetail("\"" + sqlite_path + "\": " + s.ToLogString());
  if (version == 0) {
    return Status::InvalidArgument("not a Callexa database",
                                   "\"" + sqlite_path +
                                       "\" has no Callexa schema: is it the file "
                                       "callexa_database names?");
  }
  // One transaction carries every row: no statement limit short enough
  // to stop a large table's batch, and time to read the file between
  // statements.
  PgTimeouts timeouts;
  timeouts.statement_ms = 3600 * 1000;
  timeouts.lock_ms = 60 * 1000;
  timeouts.idle_in_transaction_ms = 600 * 1000;
  PgConnections pg(conninfo, {}, timeouts);
  return CopyStore(**sqlite, pg, report);
}

}  // namespace callexa
