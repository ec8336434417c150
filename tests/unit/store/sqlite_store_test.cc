#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/schema.h"

namespace callexa {
namespace {

// What only the SQLite backend has: a file, a schema version, several
// processes opening one file at once. The behaviour every backend shares
// is in the store_*_test.cc contract suites.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_store_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
    path_ = dir_ + "/callexa.db";
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();  // close before opening again
    auto opened = SqliteStore::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }

  std::string dir_, path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, ReopeningKeepsTheSchemaVersion) {
  Reopen();  // migrations run again and must change nothing
  Reopen();
  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt *st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), LatestSchemaVersion());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, OpenFailsOnAMissingDirectory) {
  auto opened = SqliteStore::Open(dir_ + "/no/such/dir/callexa.db");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kIOError);
}

TEST_F(SqliteStoreTest, WorkersOpeningAFreshFileTogetherAllSucceed) {
  for (int round = 0; round < 20; ++round) {
    const std::string path = dir_ + "/race" + std::to_string(round) + ".db";
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&path, &errors, i] {
        auto opened = SqliteStore::Open(path);
        if (!opened.ok()) errors[i] = opened.status().message();
      });
    }
    for (std::thread &t : openers) t.join();
    for (const std::string &e : errors) EXPECT_EQ(e, "") << "round " << round;
  }
}

}  // namespace
}  // namespace callexa
