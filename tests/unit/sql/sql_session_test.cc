// One contract for every SqlSession, run on SQLite and on a real
// PostgreSQL 15: the CTest fixture `postgres` starts a throwaway cluster
// and writes its URI where CALLEXA_TEST_POSTGRES_URI says. Without it (the
// binary run alone) the PostgreSQL cases fail, saying so: never skipped.
#include "sql/sql_session.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sql/pg_session.h"
#include "sql/sqlite_session.h"
#include "testing/store_backend.h"

namespace callexa {
namespace {

// A session on a fresh database of one backend, and what it needs.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual SqlSession *session() = 0;
  // Another session on the same database.
  virtual std::unique_ptr<SqlSession> Another() = 0;
};

class SqliteBackend : public Backend {
 public:
  SqliteBackend() {
    std::string tmpl = ::testing::TempDir() + "callexa_sql_XXXXXX";
    EXPECT_NE(mkdtemp(&tmpl[0]), nullptr);
    dir_ = tmpl;
    db_ = Open();
    session_ = std::make_unique<SqliteSession>(db_);
  }
  ~SqliteBackend() override {
    session_.reset();
    others_.clear();
    for (sqlite3 *db : dbs_) sqlite3_close_v2(db);
    std::filesystem::remove_all(dir_);
  }
  SqlSession *session() override { return session_.get(); }
  std::unique_ptr<SqlSession> Another() override {
    return std::make_unique<SqliteSession>(Open());
  }

 private:
  sqlite3 *Open() {
    sqlite3 *db = nullptr;
    EXPECT_EQ(sqlite3_open((dir_ + "/test.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    dbs_.push_back(db);
    return db;
  }

  std::string dir_;
  sqlite3 *db_ = nullptr;
  std::vector<sqlite3 *> dbs_;
  std::unique_ptr<SqliteSession> session_;
  std::vector<std::unique_ptr<SqlSession>> others_;
};

class PostgresBackend : public Backend {
 public:
  PostgresBackend() {
    auto s = PgSession::Connect(PostgresTestUri());
    EXPECT_TRUE(s.ok()) << s.status().ToLogString();
    if (s.ok()) session_ = std::move(s.value());
  }
  SqlSession *session() override { return session_.get(); }
  std::unique_ptr<SqlSession> Another() override {
    auto s = PgSession::Connect(PostgresTestUri());
    EXPECT_TRUE(s.ok()) << s.status().ToLogString();
    return s.ok() ? std::move(s.value()) : nullptr;
  }

 private:
  std::unique_ptr<PgSession> session_;
};

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
};

void PrintTo(const BackendFactory &backend, std::ostream *os) { *os << backend.name; }

std::vector<BackendFactory> AllSqlBackends() {
  return {{"sqlite", [] { return std::make_unique<SqliteBackend>(); }},
          {"postgresql", [] { return std::make_unique<PostgresBackend>(); }}};
}

class SqlSessionTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    ASSERT_NE(session(), nullptr);
    // Temporary: each test's table is its session's own.
    ASSERT_TRUE(Exec("CREATE TEMP TABLE t (id BIGINT PRIMARY KEY, n BIGINT, s TEXT, "
                     "b BYTEA, o BIGINT)")
                    .ok());
  }

  SqlSession *session() { return backend_->session(); }
  Status Exec(const std::string &sql) { return session()->Execute(sql); }
  std::unique_ptr<SqlStatement> Prepare(const std::string &sql) {
    auto p = session()->Prepare(sql);
    EXPECT_TRUE(p.ok()) << sql << ": " << p.status().ToLogString();
    return p.ok() ? std::move(p.value()) : nullptr;
  }
  int64_t Count() {
    auto q = Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(q->Step());
    const int64_t n = q->Int(0);
    q->Reset();
    return n;
  }

  std::unique_ptr<Backend> backend_;
};

TEST_P(SqlSessionTest, ValuesRoundTripThroughNumberedParameters) {
  const std::string text = "Zoë's \"quote\" \xE2\x82\xAC ?1 -- not a comment";
  const std::string bytes("\x00\x01\xFF\x7F'\\", 6);
  // Parameters used out of order and twice.
  auto insert = Prepare("INSERT INTO t (n, id, s, b, o) VALUES (?2, ?1, ?3, ?4, ?5)");
  ASSERT_TRUE(insert->Bind(1, int64_t{7})
                  .Bind(2, int64_t{-9007199254740993})
                  .Bind(3, text)
                  .BindBlob(4, bytes)
                  .Bind(5, std::optional<int64_t>())
                  .Run()
                  .ok())
      << insert->status().ToLogString();
  EXPECT_EQ(insert->RowsChanged(), 1);
  auto select = Prepare("SELECT id, n, s, b, o, ?1 FROM t WHERE id = ?2 AND n < ?2");
  select->Bind(1, std::string_view("?1 stays")).Bind(2, int64_t{7});
  ASSERT_TRUE(select->Step()) << select->status().ToLogString();
  EXPECT_EQ(select->Int(0), 7);
  EXPECT_EQ(select->Int(1), -9007199254740993);
  EXPECT_EQ(select->Text(2), text);
  EXPECT_EQ(select->Blob(3), bytes);
  EXPECT_EQ(select->OptionalInt(4), std::nullopt);
  EXPECT_EQ(select->OptionalInt(1), -9007199254740993);
  EXPECT_EQ(select->Text(5), "?1 stays");
  EXPECT_FALSE(select->Step());
  EXPECT_TRUE(select->status().ok());
  select->Reset();
}

TEST_P(SqlSessionTest, AStatementIsReusedAndCountsTheRowsItChanged) {
  auto insert = Prepare("INSERT INTO t (id, n) VALUES (?1, ?2)");
  for (int64_t i = 1; i <= 5; ++i) {
    ASSERT_TRUE(insert->Bind(1, i).Bind(2, i * 10).Run().ok());
  }
  auto update = Prepare("UPDATE t SET n = n + 1 WHERE n > ?1");
  ASSERT_TRUE(update->Bind(1, int64_t{25}).Run().ok());
  EXPECT_EQ(update->RowsChanged(), 3);
  ASSERT_TRUE(update->Bind(1, int64_t{1000}).Run().ok());
  EXPECT_EQ(update->RowsChanged(), 0);
  auto sum = Prepare("SELECT sum(n) FROM t");
  ASSERT_TRUE(sum->Step());
  EXPECT_EQ(sum->Int(0), 153);
}

TEST_P(SqlSessionTest, RollbackUndoesAndCommitKeeps) {
  auto insert = Prepare("INSERT INTO t (id) VALUES (?1)");
  ASSERT_TRUE(session()->Begin().ok());
  ASSERT_TRUE(insert->Bind(1, int64_t{1}).Run().ok());
  ASSERT_TRUE(session()->Rollback().ok());
  EXPECT_EQ(Count(), 0);
  ASSERT_TRUE(session()->Begin().ok());
  ASSERT_TRUE(insert->Bind(1, int64_t{2}).Run().ok());
  ASSERT_TRUE(session()->Commit().ok());
  EXPECT_EQ(Count(), 1);
}

TEST_P(SqlSessionTest, BadSqlIsAnErrorAndTheSessionGoesOn) {
  // PostgreSQL prepares a statement when it first runs, with the types of
  // what is bound: its SQL errors come from the first Run() or Step().
  auto run = [this](const std::string &sql) {
    auto prepared = session()->Prepare(sql);
    return prepared.ok() ? (*prepared)->Run() : prepared.status();
  };
  const Status bad = run("SELEC nonsense FROM nowhere");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), Status::Code::kIOError) << bad.ToLogString();
  EXPECT_FALSE(run("SELECT x FROM no_such_table").ok());
  auto insert = Prepare("INSERT INTO t (id) VALUES (?1)");
  ASSERT_TRUE(insert->Bind(1, int64_t{1}).Run().ok());
  EXPECT_FALSE(insert->Bind(1, int64_t{1}).Run().ok());  // the key again
  EXPECT_TRUE(insert->Bind(1, int64_t{2}).Run().ok());
  EXPECT_EQ(Count(), 2);
}

TEST_P(SqlSessionTest, AnotherSessionSeesCommittedRows) {
  ASSERT_TRUE(Exec("DROP TABLE t").ok());
  const std::string table = "shared_" + GetParam().name;
  ASSERT_TRUE(
      Exec("CREATE TABLE IF NOT EXISTS " + table + " (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec("DELETE FROM " + table).ok());
  std::unique_ptr<SqlSession> other = backend_->Another();
  ASSERT_NE(other, nullptr);
  auto insert = Prepare("INSERT INTO " + table + " (id) VALUES (?1)");
  ASSERT_TRUE(insert->Bind(1, int64_t{42}).Run().ok());
  auto read = other->Prepare("SELECT id FROM " + table);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE((*read)->Step());
  EXPECT_EQ((*read)->Int(0), 42);
  (*read)->Reset();
  ASSERT_TRUE(Exec("DROP TABLE " + table).ok());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, SqlSessionTest,
                         ::testing::ValuesIn(AllSqlBackends()),
                         [](const ::testing::TestParamInfo<BackendFactory> &info) {
                           return info.param.name;
                         });

TEST(PgParametersTest, WritesNumberedParametersOutsideQuotesAndComments) {
  EXPECT_EQ(PgParameters("SELECT ?1, ?12 FROM t WHERE a = ?2"),
            "SELECT $1, $12 FROM t WHERE a = $2");
  EXPECT_EQ(PgParameters("SELECT '?1', \"?2\", ?3 -- ?4\n, ?5"),
            "SELECT '?1', \"?2\", $3 -- ?4\n, $5");
  EXPECT_EQ(PgParameters("SELECT 'it''s ?1', ?2"), "SELECT 'it''s ?1', $2");
  EXPECT_EQ(PgParameters("SELECT x ? y"), "SELECT x ? y");  // an operator, no number
}

TEST(PgSessionTest, SetsTheTimeouts) {
  auto s = PgSession::Connect(PostgresTestUri(), {1500, 700, 9000});
  ASSERT_TRUE(s.ok()) << s.status().ToLogString();
  for (const auto &[name, want] : std::vector<std::pair<std::string, std::string>>{
           {"statement_timeout", "1500ms"},
           {"lock_timeout", "700ms"},
           {"idle_in_transaction_session_timeout", "9s"}}) {
    auto q = (*s)->Prepare("SELECT current_setting(?1)");
    ASSERT_TRUE(q.ok());
    (*q)->Bind(1, name);
    ASSERT_TRUE((*q)->Step()) << (*q)->status().ToLogString();
    EXPECT_EQ((*q)->Text(0), want) << name;
  }
}

TEST(PgSessionTest, ALostConnectionIsResetAndItsStatementsPreparedAgain) {
  auto s = PgSession::Connect(PostgresTestUri());
  ASSERT_TRUE(s.ok());
  auto pid = (*s)->Prepare("SELECT pg_backend_pid() + ?1");
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE((*pid)->Bind(1, int64_t{0}).Step());
  const int64_t first = (*pid)->Int(0);
  (*pid)->Reset();
  auto killer = PgSession::Connect(PostgresTestUri());
  ASSERT_TRUE(killer.ok());
  auto kill = (*killer)->Prepare("SELECT pg_terminate_backend(CAST(?1 AS integer))");
  ASSERT_TRUE(kill.ok());
  ASSERT_TRUE((*kill)->Bind(1, first).Run().ok());
  // The statement that meets the dead connection fails, and says to retry;
  // whether to is the store's decision.
  EXPECT_FALSE((*pid)->Bind(1, int64_t{0}).Step());
  EXPECT_EQ((*pid)->status().code(), Status::Code::kUnavailable)
      << (*pid)->status().ToLogString();
  (*pid)->Reset();
  ASSERT_TRUE((*pid)->Bind(1, int64_t{0}).Step()) << (*pid)->status().ToLogString();
  EXPECT_NE((*pid)->Int(0), first);
}

TEST(PgSessionTest, AUniqueViolationIsAConflict) {
  auto s = PgSession::Connect(PostgresTestUri());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Execute("CREATE TEMP TABLE u (id BIGINT PRIMARY KEY)").ok());
  auto insert = (*s)->Prepare("INSERT INTO u (id) VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE((*insert)->Bind(1, int64_t{1}).Run().ok());
  const Status again = (*insert)->Bind(1, int64_t{1}).Run();
  EXPECT_EQ(again.code(), Status::Code::kConflict) << again.ToLogString();
  EXPECT_NE(again.ToLogString().find("23505"), std::string::npos);
}

TEST(PgSessionTest, NoSecretInAnyError) {
  // A wrong password written into the connection string (which operators
  // are told not to do) never reaches a message or a detail.
  std::string uri = PostgresTestUri();
  const std::string secret = "s3cret-never-logged";
  const size_t passfile = uri.find("passfile=");
  uri.erase(passfile, uri.find('&', passfile) + 1 - passfile);
  uri += "&password=" + secret;
  auto s = PgSession::Connect(uri);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(s.status().ToLogString().find(secret), std::string::npos)
      << s.status().ToLogString();
  // Nobody listening: unavailable, said briefly.
  auto none =
      PgSession::Connect("postgresql://callexa@127.0.0.1:1/postgres?connect_timeout=2");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(none.status().ToLogString().find("postgresql: connect:"), std::string::npos);
}

}  // namespace
}  // namespace callexa
