// The store backends the contract suites run against, as LevelDB runs its
// Env tests against every Env: SQLite, and PostgreSQL on the test cluster
// CTest's fixture postgres.start runs (each test in a schema of its own).
#ifndef CALLEXA_TESTS_UNIT_TESTING_STORE_BACKEND_H_
#define CALLEXA_TESTS_UNIT_TESTING_STORE_BACKEND_H_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/secrets.h"
#include "sql/pg_connections.h"
#include "sql/pg_session.h"
#include "sql/statement.h"
#include "store/open_store.h"
#include "store/store.h"

namespace callexa {

// One test's database on one backend.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // A new connection to this test's database (created empty on first use),
  // as another worker would open it.
  virtual std::unique_ptr<Store> Open() = 0;
  // SQL straight to the database, for a state the API cannot make (an
  // expired lease, an answer seeded without the pages). Only SQL that
  // SQLite and PostgreSQL both accept (RETURNING, ON CONFLICT).
  virtual void Exec(const std::string &sql) = 0;
  // The first column of the first row of `sql`; -1 when there is none.
  virtual int64_t QueryInt(const std::string &sql) = 0;
};

struct StoreBackendFactory {
  std::string name;  // in the test names: AllBackends/StoreSurveysTest.X/sqlite
  std::function<std::unique_ptr<StoreBackend>()> make;
};

// A fresh SQLite file in a temporary directory, removed at the end.
class SqliteTestBackend : public StoreBackend {
 public:
  SqliteTestBackend() {
    std::string tmpl = ::testing::TempDir() + "callexa_store_XXXXXX";
    EXPECT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
  }
  ~SqliteTestBackend() override {
    if (raw_ != nullptr) sqlite3_close(raw_);
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> Open() override {
    auto opened = OpenStore(path());
    EXPECT_TRUE(opened.ok()) << opened.status().ToLogString();
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }

  void Exec(const std::string &sql) override {
    char *err = nullptr;
    EXPECT_EQ(sqlite3_exec(Raw(), sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }

  int64_t QueryInt(const std::string &sql) override {
    sqlite3_stmt *st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(Raw(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    int64_t v = -1;
    if (st != nullptr && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    if (st != nullptr) {
      while (sqlite3_step(st) == SQLITE_ROW) {
      }
    }
    sqlite3_finalize(st);
    return v;
  }

  std::string path() const { return dir_ + "/callexa.db"; }
  const std::string &dir() const { return dir_; }

 private:
  // A plain connection beside the store's, opened once the database exists.
  sqlite3 *Raw() {
    if (raw_ == nullptr) {
      EXPECT_EQ(sqlite3_open(path().c_str(), &raw_), SQLITE_OK);
      sqlite3_busy_timeout(raw_, 5000);
      sqlite3_exec(raw_, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
    }
    return raw_;
  }

  std::string dir_;
  sqlite3 *raw_ = nullptr;
};

inline StoreBackendFactory SqliteBackendFactory() {
  return {"sqlite", [] { return std::make_unique<SqliteTestBackend>(); }};
}

// The test cluster's URI; a failure outside CTest.
inline std::string PostgresTestUri() {
  std::ifstream in(CALLEXA_TEST_POSTGRES_URI);
  std::string uri;
  std::getline(in, uri);
  if (uri.empty()) {
    ADD_FAILURE() << "no PostgreSQL test cluster (" << CALLEXA_TEST_POSTGRES_URI
                  << "): run the tests through CTest, whose fixture postgres.start "
                     "starts one";
  }
  return uri;
}

// A fresh schema on the test cluster, dropped at the end; the store finds
// it first on its search_path.
class PostgresTestBackend : public StoreBackend {
 public:
  PostgresTestBackend() : schema_("t_" + RandomHex(8)) {
    conninfo_ = PostgresTestUri() + "&options=-csearch_path%3D" + schema_;
    Run(Admin(), "CREATE SCHEMA " + schema_);
  }
  ~PostgresTestBackend() override {
    raw_.reset();
    Run(Admin(), "DROP SCHEMA " + schema_ + " CASCADE");
  }

  std::unique_ptr<Store> Open() override {
    auto opened = SqlStore::Open(std::make_unique<PgConnections>(conninfo_));
    EXPECT_TRUE(opened.ok()) << opened.status().ToLogString();
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }

  void Exec(const std::string &sql) override { Run(Raw(), sql); }

  int64_t QueryInt(const std::string &sql) override {
    SqlSession *db = Raw();
    if (db == nullptr) return -1;
    Statement q;
    Status s = q.Prepare(*db, sql);
    int64_t v = -1;
    if (s.ok() && q.Step()) v = q.Int(0);
    EXPECT_TRUE(s.ok() && q.status().ok()) << sql << ": " << s.ToLogString() << " "
                                           << (s.ok() ? q.status().ToLogString() : "");
    return v;
  }

  const std::string &conninfo() const { return conninfo_; }

 private:
  static void Run(SqlSession *db, const std::string &sql) {
    if (db == nullptr) return;
    const Status s = db->Execute(sql);
    EXPECT_TRUE(s.ok()) << sql << ": " << s.ToLogString();
  }
  SqlSession *Admin() {
    if (admin_ == nullptr) admin_ = Connect(PostgresTestUri());
    return admin_.get();
  }
  SqlSession *Raw() {
    if (raw_ == nullptr) raw_ = Connect(conninfo_);
    return raw_.get();
  }
  static std::unique_ptr<PgSession> Connect(const std::string &conninfo) {
    auto s = PgSession::Connect(conninfo);
    EXPECT_TRUE(s.ok()) << s.status().ToLogString();
    return s.ok() ? std::move(s.value()) : nullptr;
  }

  std::string schema_, conninfo_;
  std::unique_ptr<PgSession> admin_, raw_;
};

inline StoreBackendFactory PostgresBackendFactory() {
  return {"postgresql", [] { return std::make_unique<PostgresTestBackend>(); }};
}

inline std::vector<StoreBackendFactory> AllStoreBackends() {
  return {SqliteBackendFactory(), PostgresBackendFactory()};
}

// Test names and failure messages show the backend's name.
inline void PrintTo(const StoreBackendFactory &backend, std::ostream *os) {
  *os << backend.name;
}

// For INSTANTIATE_TEST_SUITE_P(AllBackends, Suite, StoreBackendValues(),
// StoreBackendName).
inline auto StoreBackendValues() { return ::testing::ValuesIn(AllStoreBackends()); }
inline std::string StoreBackendName(
    const ::testing::TestParamInfo<StoreBackendFactory> &info) {
  return info.param.name;
}

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_STORE_BACKEND_H_
