// A SqliteStore on a fresh database in a temporary directory, removed
// again when the test ends.
#ifndef CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_
#define CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite_store.h"

namespace callexa {

class TempStore {
 public:
  TempStore() {
    std::string tmpl = ::testing::TempDir() + "callexa_store_XXXXXX";
    EXPECT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
    Reopen();
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  TempStore(const TempStore &) = delete;
  TempStore &operator=(const TempStore &) = delete;

  // Closes and opens the database again, as a restarted worker does.
  void Reopen() {
    store_.reset();
    auto opened = SqliteStore::Open(path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened.value());
  }
  // A second connection to the same file, as another worker has.
  std::unique_ptr<SqliteStore> OpenAnother() const {
    auto opened = SqliteStore::Open(path());
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }

  SqliteStore *operator->() const { return store_.get(); }
  SqliteStore *get() const { return store_.get(); }
  std::string path() const { return dir_ + "/callexa.db"; }
  const std::string &dir() const { return dir_; }

 private:
  std::string dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_
