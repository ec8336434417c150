// A SqliteStore on a fresh database in a temporary directory, removed
// again when the test ends, and surveys, customers and invitations made
// through the real paths (identify, claim, record).
#ifndef CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_
#define CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ingest/identify_message.h"
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

  // A survey with automation on that schedules every identify
  // `min_delay_days` later.
  Survey NewSurvey(const std::string &content_json = "{}", int min_delay_days = 0,
                   int64_t now = 0) {
    Survey draft;
    draft.name = "NPS";
    draft.policy.min_delay_days = min_delay_days;
    draft.policy.automation = true;
    draft.content_json = content_json;
    auto created = store_->CreateSurvey(draft, now);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? *created : Survey{};
  }

  // Stores an identify for `email` at `now`, as the ingest path would.
  void Identify(const Survey &survey, const std::string &email, int64_t now,
                const std::string &first_name = "") {
    nlohmann::json m = {{"type", "identify"}, {"traits", {{"email", email}}}};
    if (!first_name.empty()) m["traits"]["firstName"] = first_name;
    auto parsed = ParseSpecMessage(m, "");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    IngestJob job;
    job.api_key = survey.api_key;
    job.identifies.push_back(*parsed->identify);
    store_->ApplyIngest({&job}, now);
    ASSERT_TRUE(job.status.ok()) << job.status.message();
  }

  // Identifies `email` and sends its invitation at `now`; the invitation id.
  int64_t SentInvitation(const Survey &survey, const std::string &email, int64_t now,
                         const std::string &first_name = "") {
    Identify(survey, email, now, first_name);
    auto claims = store_->ClaimDueInvitations(now, 100, 60, "test");
    EXPECT_TRUE(claims.ok()) << claims.status().message();
    if (!claims.ok() || claims->empty()) return 0;
    std::vector<DeliveryRecord> records;
    for (const DeliveryClaim &c : *claims) {
      DeliveryRecord r;
      r.invitation_id = c.invitation_id;
      records.push_back(r);
    }
    EXPECT_TRUE(store_->RecordDeliveries(records, now, "test").ok());
    return claims->back().invitation_id;
  }

 private:
  std::string dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_
