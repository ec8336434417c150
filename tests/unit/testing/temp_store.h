// A store on a fresh database of one backend (SQLite unless told), removed
// again when the test ends, and surveys, customers and invitations made
// through the real paths (identify, claim, record).
#ifndef CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_
#define CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ingest/identify_message.h"
#include "store/store.h"
#include "testing/store_backend.h"

namespace callexa {

class TempStore {
 public:
  explicit TempStore(const StoreBackendFactory &backend = SqliteBackendFactory())
      : backend_(backend.make()) {
    Reopen();
  }
  ~TempStore() { store_.reset(); }
  TempStore(const TempStore &) = delete;
  TempStore &operator=(const TempStore &) = delete;

  // Closes and opens the database again, as a restarted worker does.
  void Reopen() {
    store_.reset();
    store_ = backend_->Open();
    ASSERT_NE(store_, nullptr);
  }
  // A second connection to the same database, as another worker has.
  std::unique_ptr<Store> OpenAnother() const { return backend_->Open(); }

  Store *operator->() const { return store_.get(); }
  Store *get() const { return store_.get(); }
  StoreBackend *backend() const { return backend_.get(); }

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
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_TEMP_STORE_H_
