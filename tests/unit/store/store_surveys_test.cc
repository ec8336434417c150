#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "ingest/identify_message.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// A message as the ingest path builds it, so the email is normalised.
IdentifyMessage Identify(const std::string &email, const std::string &message_id = "",
                         nlohmann::json extra_traits = nlohmann::json::object()) {
  nlohmann::json m = {{"type", "identify"}, {"traits", std::move(extra_traits)}};
  m["traits"]["email"] = email;
  if (!message_id.empty()) m["messageId"] = message_id;
  auto parsed = ParseSpecMessage(m, "");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed->identify : IdentifyMessage{};
}

IngestJob Job(const std::string &api_key, std::vector<IdentifyMessage> identifies) {
  IngestJob job;
  job.api_key = api_key;
  job.identifies = std::move(identifies);
  return job;
}

bool IsLowerHex(const std::string &s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The surveys and ingestion side of the store contract, run on every backend.
class StoreSurveysTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  // Closes and opens the database again, as a restarted worker does.
  void Reopen() { store_.Reopen(); }

  // A survey that schedules every identify 3 days later ("survey repeatedly").
  Survey NewSurvey(const std::string &name = "NPS", bool automation = true,
                   std::optional<int64_t> monthly_budget = std::nullopt) {
    Survey draft;
    draft.name = name;
    draft.policy.min_delay_days = 3;
    draft.policy.max_delay_days = 0;
    draft.policy.automation = automation;
    draft.policy.monthly_budget = monthly_budget;
    auto created = store_->CreateSurvey(draft, kNow - kDay);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? *created : Survey{};
  }

  void Apply(IngestJob *job, int64_t now = kNow) { store_->ApplyIngest({job}, now); }

  std::vector<CustomerView> Customers(int64_t survey_id, const std::string &email = "",
                                      int limit = 100, int offset = 0) {
    CustomerQuery q;
    q.survey_id = survey_id;
    q.email = email;
    q.limit = limit;
    q.offset = offset;
    auto found = store_->FindCustomers(q);
    EXPECT_TRUE(found.ok()) << found.status().message();
    return found.ok() ? *found : std::vector<CustomerView>{};
  }

  TempStore store_{GetParam()};
};

TEST_P(StoreSurveysTest, CreateSurveyFillsIdsAndKey) {
  Survey draft;
  draft.name = "Onboarding";
  draft.policy.min_delay_days = 5;
  draft.policy.max_delay_days = 20;
  draft.policy.resurvey_interval_days = 90;
  draft.policy.automation = true;
  draft.policy.monthly_budget = 250;
  draft.segment_write_key = "wk";
  auto created = store_->CreateSurvey(draft, kNow);
  ASSERT_TRUE(created.ok()) << created.status().message();
  const Survey &s = *created;
  EXPECT_GT(s.id, 0);
  EXPECT_EQ(s.api_key.size(), 43u) << s.api_key;
  EXPECT_EQ(s.api_key.substr(0, 3), "ck_") << s.api_key;
  EXPECT_TRUE(IsLowerHex(s.api_key.substr(3))) << s.api_key;
  EXPECT_TRUE(IsLowerHex(s.public_id)) << s.public_id;
  EXPECT_EQ(s.created_at, kNow);
  EXPECT_EQ(s.updated_at, kNow);

  auto got = store_->GetSurvey(s.id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->name, "Onboarding");
  EXPECT_EQ(got->api_key, s.api_key);
  EXPECT_EQ(got->public_id, s.public_id);
  EXPECT_EQ(got->policy.min_delay_days, 5);
  EXPECT_EQ(got->policy.max_delay_days, 20);
  EXPECT_EQ(got->policy.resurvey_interval_days, 90);
  EXPECT_TRUE(got->policy.automation);
  EXPECT_EQ(got->policy.monthly_budget, 250);
  EXPECT_EQ(got->segment_write_key, "wk");
  EXPECT_EQ(got->created_at, kNow);

  // Every survey gets its own key and public id.
  const Survey other = NewSurvey("Other");
  EXPECT_NE(other.id, s.id);
  EXPECT_NE(other.api_key, s.api_key);
  EXPECT_NE(other.public_id, s.public_id);
}

TEST_P(StoreSurveysTest, GetAndListSurveys) {
  auto empty = store_->ListSurveys();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  const Survey a = NewSurvey("A");
  const Survey b = NewSurvey("B");
  auto list = store_->ListSurveys();
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a.id);
  EXPECT_EQ((*list)[0].name, "A");
  EXPECT_EQ((*list)[1].id, b.id);
  EXPECT_EQ((*list)[1].name, "B");
  EXPECT_FALSE((*list)[0].policy.monthly_budget.has_value());

  auto missing = store_->GetSurvey(b.id + 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_P(StoreSurveysTest, UpdateSurveySavesSettingsButNotKeys) {
  Survey s = NewSurvey("Before");
  const std::string key = s.api_key;
  const std::string public_id = s.public_id;
  s.name = "After";
  s.policy.min_delay_days = 1;
  s.policy.max_delay_days = 7;
  s.policy.resurvey_interval_days = 30;
  s.policy.automation = false;
  s.policy.monthly_budget = 10;
  s.segment_write_key = "wk2";
  s.api_key = "ck_forged";  // ignored: keys change only through RotateApiKey
  s.public_id = "forged";
  auto updated = store_->UpdateSurvey(s, kNow + 60);
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(updated->name, "After");
  EXPECT_EQ(updated->policy.min_delay_days, 1);
  EXPECT_EQ(updated->policy.max_delay_days, 7);
  EXPECT_EQ(updated->policy.resurvey_interval_days, 30);
  EXPECT_FALSE(updated->policy.automation);
  EXPECT_EQ(updated->policy.monthly_budget, 10);
  EXPECT_EQ(updated->segment_write_key, "wk2");
  EXPECT_EQ(updated->api_key, key);
  EXPECT_EQ(updated->public_id, public_id);
  EXPECT_EQ(updated->created_at, kNow - kDay);
  EXPECT_EQ(updated->updated_at, kNow + 60);

  // A budget can be removed again.
  Survey again = *updated;
  again.policy.monthly_budget.reset();
  auto cleared = store_->UpdateSurvey(again, kNow + 120);
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->policy.monthly_budget.has_value());

  Survey ghost = s;
  ghost.id = s.id + 100;
  auto missing = store_->UpdateSurvey(ghost, kNow);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_P(StoreSurveysTest, RotateApiKeyRetiresTheOldKey) {
  const Survey s = NewSurvey();
  auto rotated = store_->RotateApiKey(s.id, kNow);
  ASSERT_TRUE(rotated.ok()) << rotated.status().message();
  EXPECT_NE(rotated->api_key, s.api_key);
  EXPECT_EQ(rotated->api_key.substr(0, 3), "ck_");
  EXPECT_EQ(rotated->api_key.size(), 43u);
  EXPECT_EQ(rotated->public_id, s.public_id);  // the public id stays
  EXPECT_EQ(rotated->updated_at, kNow);

  IngestJob old_key = Job(s.api_key, {Identify("ann@example.com")});
  Apply(&old_key);
  EXPECT_EQ(old_key.status.code(), Status::Code::kUnauthorized);
  EXPECT_EQ(old_key.stored, 0);

  IngestJob new_key = Job(rotated->api_key, {Identify("ann@example.com")});
  Apply(&new_key);
  EXPECT_TRUE(new_key.status.ok()) << new_key.status.message();
  EXPECT_EQ(new_key.stored, 1);

  auto missing = store_->RotateApiKey(s.id + 100, kNow);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_P(StoreSurveysTest, ApplyIngestStoresAndSchedules) {
  const Survey s = NewSurvey();
  IngestJob job = Job(s.api_key, {Identify("Ann@Example.com", "m-1",
                                           {{"firstName", "Ann"},
                                            {"lastName", "Lee"},
                                            {"createdAt", "2026-11-01T00:00:00Z"}})});
  job.identifies[0].user_id = "u-1";
  Apply(&job);
  ASSERT_TRUE(job.status.ok()) << job.status.message();
  EXPECT_EQ(job.stored, 1);
  EXPECT_EQ(job.scheduled, 1);
  EXPECT_EQ(job.duplicates, 0);

  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  const CustomerView &c = customers[0];
  EXPECT_EQ(c.email, "ann@example.com");
  EXPECT_EQ(c.user_id, "u-1");
  EXPECT_EQ(c.first_name, "Ann");
  EXPECT_EQ(c.last_name, "Lee");
  EXPECT_EQ(c.created_at, 1793491200);
  EXPECT_EQ(c.first_seen_at, kNow);
  EXPECT_EQ(c.last_seen_at, kNow);
  EXPECT_EQ(c.state, "scheduled");
  EXPECT_EQ(c.reason, "");
  EXPECT_EQ(c.due_at, kNow + 3 * kDay);
  ASSERT_EQ(c.invitations.size(), 1u);
  EXPECT_EQ(c.invitations[0].status, InvitationStatus::kScheduled);
  EXPECT_EQ(c.invitations[0].due_at, kNow + 3 * kDay);
  EXPECT_EQ(c.invitations[0].created_at, kNow);
  EXPECT_FALSE(c.invitations[0].sent_at.has_value());
}

TEST_P(StoreSurveysTest, DuplicateMessageIdIsStoredOnce) {
  const Survey s = NewSurvey();
  // Twice in one job, then again in a later delivery (a Segment retry).
  IngestJob first = Job(s.api_key, {Identify("ann@example.com", "m-1"),
                                    Identify("ann@example.com", "m-1")});
  Apply(&first);
  ASSERT_TRUE(first.status.ok()) << first.status.message();
  EXPECT_EQ(first.stored, 1);
  EXPECT_EQ(first.duplicates, 1);

  IngestJob retry = Job(s.api_key, {Identify("ann@example.com", "m-1")});
  Apply(&retry, kNow + 60);
  ASSERT_TRUE(retry.status.ok()) << retry.status.message();
  EXPECT_EQ(retry.stored, 0);
  EXPECT_EQ(retry.duplicates, 1);

  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].last_seen_at, kNow);  // the retry changed nothing
  EXPECT_EQ(customers[0].invitations.size(), 1u);

  // messageIds are remembered per survey.
  const Survey other = NewSurvey("Other");
  IngestJob elsewhere = Job(other.api_key, {Identify("ann@example.com", "m-1")});
  Apply(&elsewhere);
  EXPECT_EQ(elsewhere.stored, 1);
  EXPECT_EQ(elsewhere.duplicates, 0);
}

TEST_P(StoreSurveysTest, PendingInvitationIsNotDoubled) {
  const Survey s = NewSurvey();
  IngestJob first = Job(s.api_key, {Identify("ann@example.com", "m-1")});
  Apply(&first);
  IngestJob second = Job(s.api_key, {Identify("ann@example.com", "m-2")});
  Apply(&second, kNow + kDay);
  ASSERT_TRUE(second.status.ok()) << second.status.message();
  EXPECT_EQ(second.stored, 1);
  EXPECT_EQ(second.scheduled, 0);

  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].invitations.size(), 1u);
  EXPECT_EQ(customers[0].state, "scheduled");  // "pending" shows the invitation
  EXPECT_EQ(customers[0].due_at, kNow + 3 * kDay);
  EXPECT_EQ(customers[0].last_seen_at, kNow + kDay);
}

TEST_P(StoreSurveysTest, EmailIsCaseInsensitiveAndTraitsMerge) {
  const Survey s = NewSurvey();
  IngestJob first =
      Job(s.api_key, {Identify("Ann@Example.com", "", {{"firstName", "Ann"}})});
  Apply(&first);
  IngestJob second =
      Job(s.api_key, {Identify("  ann@EXAMPLE.com ", "", {{"lastName", "Lee"}})});
  Apply(&second, kNow + 10);
  ASSERT_TRUE(second.status.ok()) << second.status.message();

  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].email, "ann@example.com");
  EXPECT_EQ(customers[0].first_name, "Ann");  // kept: the second call sent none
  EXPECT_EQ(customers[0].last_name, "Lee");
  EXPECT_EQ(customers[0].first_seen_at, kNow);
  EXPECT_EQ(customers[0].last_seen_at, kNow + 10);
}

TEST_P(StoreSurveysTest, UnknownKeyFailsOnlyItsOwnJob) {
  const Survey s = NewSurvey();
  IngestJob bad =
      Job("ck_0000000000000000000000000000000000000000", {Identify("eve@example.com")});
  IngestJob empty_key = Job("", {Identify("eve@example.com")});
  IngestJob prefix_only = Job(s.api_key.substr(0, 20), {Identify("eve@example.com")});
  IngestJob good = Job(s.api_key, {Identify("ann@example.com")});
  store_->ApplyIngest({&bad, &empty_key, &prefix_only, &good}, kNow);
  EXPECT_EQ(bad.status.code(), Status::Code::kUnauthorized);
  EXPECT_EQ(empty_key.status.code(), Status::Code::kUnauthorized);
  EXPECT_EQ(prefix_only.status.code(), Status::Code::kUnauthorized);
  EXPECT_TRUE(good.status.ok()) << good.status.message();
  EXPECT_EQ(good.stored, 1);

  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].email, "ann@example.com");
}

TEST_P(StoreSurveysTest, JobWithoutIdentifiesIsFine) {
  const Survey s = NewSurvey();
  IngestJob job = Job(s.api_key, {});
  Apply(&job);
  EXPECT_TRUE(job.status.ok()) << job.status.message();
  EXPECT_EQ(job.stored, 0);
}

TEST_P(StoreSurveysTest, AutomationOffRecordsWhy) {
  const Survey s = NewSurvey("Manual", /*automation=*/false);
  IngestJob job = Job(s.api_key, {Identify("ann@example.com")});
  Apply(&job);
  ASSERT_TRUE(job.status.ok()) << job.status.message();
  EXPECT_EQ(job.stored, 1);
  EXPECT_EQ(job.scheduled, 0);

  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].state, "ignored");
  EXPECT_EQ(customers[0].reason, "automation_off");
  EXPECT_FALSE(customers[0].due_at.has_value());
  EXPECT_TRUE(customers[0].invitations.empty());
}

TEST_P(StoreSurveysTest, TooOldCustomerIsIgnored) {
  Survey s = NewSurvey();
  s.policy.max_delay_days = 14;
  ASSERT_TRUE(store_->UpdateSurvey(s, kNow).ok());
  IngestJob job = Job(
      s.api_key, {Identify("old@example.com", "", {{"createdAt", kNow - 30 * kDay}})});
  Apply(&job);
  ASSERT_TRUE(job.status.ok()) << job.status.message();
  const auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].state, "ignored");
  EXPECT_EQ(customers[0].reason, "too_old");
}

TEST_P(StoreSurveysTest, MonthlyBudgetLimitsInvitations) {
  const Survey s = NewSurvey("Budget", true, /*monthly_budget=*/1);
  IngestJob job =
      Job(s.api_key, {Identify("ann@example.com"), Identify("bob@example.com")});
  Apply(&job);
  ASSERT_TRUE(job.status.ok()) << job.status.message();
  EXPECT_EQ(job.stored, 2);
  EXPECT_EQ(job.scheduled, 1);

  auto customers = Customers(s.id);
  ASSERT_EQ(customers.size(), 2u);
  EXPECT_EQ(customers[0].state, "scheduled");
  EXPECT_EQ(customers[1].state, "ignored");
  EXPECT_EQ(customers[1].reason, "over_budget");

  // The budget is per calendar month: December has room again.
  IngestJob next_month = Job(s.api_key, {Identify("bob@example.com")});
  Apply(&next_month, kNow + 5 * kDay);  // 2026-12-03
  EXPECT_EQ(next_month.scheduled, 1);
  customers = Customers(s.id, "bob@example.com");
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].state, "scheduled");
  EXPECT_EQ(customers[0].reason, "");
}

TEST_P(StoreSurveysTest, ReopeningKeepsDataAndSchema) {
  const Survey s = NewSurvey("Kept");
  IngestJob job = Job(s.api_key, {Identify("ann@example.com", "m-1")});
  Apply(&job);
  ASSERT_TRUE(job.status.ok());

  Reopen();  // migrations run again and must change nothing
  Reopen();
  auto got = store_->GetSurvey(s.id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->name, "Kept");
  EXPECT_EQ(got->api_key, s.api_key);
  EXPECT_EQ(Customers(s.id).size(), 1u);

  // The messageId is still remembered, and the key still works.
  IngestJob retry = Job(s.api_key, {Identify("ann@example.com", "m-1")});
  Apply(&retry, kNow + 60);
  ASSERT_TRUE(retry.status.ok()) << retry.status.message();
  EXPECT_EQ(retry.duplicates, 1);
}

TEST_P(StoreSurveysTest, FindCustomersFiltersAndPages) {
  const Survey s = NewSurvey();
  const Survey other = NewSurvey("Other");
  IngestJob job = Job(s.api_key, {});
  for (const char *email : {"a@x.co", "b@x.co", "c@x.co", "d@x.co", "e@x.co"}) {
    job.identifies.push_back(Identify(email));
  }
  Apply(&job);
  IngestJob elsewhere = Job(other.api_key, {Identify("a@x.co"), Identify("z@x.co")});
  Apply(&elsewhere);

  const auto emails = [](const std::vector<CustomerView> &cs) {
    std::string out;
    for (const auto &c : cs) out += (out.empty() ? "" : " ") + c.email;
    return out;
  };
  const struct {
    std::string email;
    int limit, offset;
    const char *want;
  } cases[] = {
      {"", 100, 0, "a@x.co b@x.co c@x.co d@x.co e@x.co"},  // only this survey's
      {"c@x.co", 100, 0, "c@x.co"},
      {"z@x.co", 100, 0, ""},  // another survey's customer
      {"nobody@x.co", 100, 0, ""},
      {"", 2, 0, "a@x.co b@x.co"},
      {"", 2, 1, "b@x.co c@x.co"},
      {"", 2, 4, "e@x.co"},
      {"", 100, 5, ""},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(emails(Customers(s.id, c.email, c.limit, c.offset)), c.want)
        << "email=" << c.email << " limit=" << c.limit << " offset=" << c.offset;
  }
  EXPECT_EQ(emails(Customers(other.id)), "a@x.co z@x.co");
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreSurveysTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
