#include <gtest/gtest.h>

#include <string>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

const std::string kLogoKey = std::string(64, 'a') + ".png";
const std::string kLogoContent =
    R"({"email":{"logo_url":"https://nps.example/s/logo/)" + kLogoKey + R"("}})";

// Duplicating, archiving and deleting surveys, and searching customers:
// the store contract, run on every backend.
class StoreSurveyLifecycleTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  std::vector<CustomerView> Find(const CustomerQuery &q) {
    auto found = store_->FindCustomers(q);
    EXPECT_TRUE(found.ok()) << found.status().message();
    auto total = store_->CountCustomers(q);
    EXPECT_TRUE(total.ok()) << total.status().message();
    if (!found.ok() || !total.ok()) return {};
    EXPECT_EQ(*total, static_cast<int64_t>(found->size()));
    return *found;
  }

  TempStore store_{GetParam()};
};

TEST_P(StoreSurveyLifecycleTest, DuplicateCopiesSettingsNotPeople) {
  Survey original = store_.NewSurvey(kLogoContent, 5);
  original.segment_write_key = "wk";
  original.report_frequency = ReportFrequency::kWeekly;
  original.report_recipients = {"owner@example.com"};
  original.policy.monthly_budget = 40;
  ASSERT_TRUE(store_->UpdateSurvey(original, kNow).ok());
  store_.SentInvitation(original, "ada@example.com", kNow);

  auto copy = store_->DuplicateSurvey(original.id, "NPS (copy)", kNow + 10);
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_NE(copy->id, original.id);
  EXPECT_EQ(copy->name, "NPS (copy)");
  EXPECT_NE(copy->api_key, original.api_key);
  EXPECT_NE(copy->public_id, original.public_id);
  EXPECT_FALSE(copy->policy.automation);  // never mails by surprise
  EXPECT_EQ(copy->policy.min_delay_days, 5);
  EXPECT_EQ(copy->policy.monthly_budget, std::optional<int64_t>(40));
  EXPECT_EQ(copy->content_json, kLogoContent);
  EXPECT_EQ(copy->segment_write_key, "wk");
  EXPECT_EQ(copy->report_frequency, ReportFrequency::kWeekly);
  EXPECT_EQ(copy->report_recipients, original.report_recipients);
  EXPECT_FALSE(copy->archived_at.has_value());
  EXPECT_EQ(copy->created_at, kNow + 10);
  CustomerQuery q;
  q.survey_id = copy->id;
  EXPECT_TRUE(Find(q).empty());
  EXPECT_EQ(store_->GetSurvey(copy->id)->api_key, copy->api_key);

  EXPECT_EQ(store_->DuplicateSurvey(9999, "x", kNow).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreSurveyLifecycleTest, ArchiveTurnsAutomationOffAndRestoreKeepsData) {
  const Survey s = store_.NewSurvey();
  store_.SentInvitation(s, "ada@example.com", kNow);
  auto archived = store_->SetSurveyArchived(s.id, true, kNow + 5);
  ASSERT_TRUE(archived.ok()) << archived.status().message();
  EXPECT_EQ(archived->archived_at, std::optional<int64_t>(kNow + 5));
  EXPECT_FALSE(archived->policy.automation);
  // Archiving again keeps the first time.
  EXPECT_EQ(store_->SetSurveyArchived(s.id, true, kNow + 9)->archived_at,
            std::optional<int64_t>(kNow + 5));
  auto listed = store_->ListSurveys();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].archived_at.has_value());

  auto restored = store_->SetSurveyArchived(s.id, false, kNow + 20);
  ASSERT_TRUE(restored.ok());
  EXPECT_FALSE(restored->archived_at.has_value());
  EXPECT_FALSE(restored->policy.automation);
  CustomerQuery q;
  q.survey_id = s.id;
  EXPECT_EQ(Find(q).size(), 1u);
  EXPECT_EQ(store_->SetSurveyArchived(9999, true, kNow).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreSurveyLifecycleTest, DeleteRemovesEverythingOfTheSurveyOnly) {
  Survey one = store_.NewSurvey(kLogoContent);
  one.segment_write_key = "wk";
  ASSERT_TRUE(store_->UpdateSurvey(one, kNow).ok());
  const Survey two = store_.NewSurvey();
  ASSERT_TRUE(store_->PutImage(kLogoKey, {"image/png", "png bytes"}, kNow).ok());
  const int64_t invitation = store_.SentInvitation(one, "ada@example.com", kNow);
  ASSERT_NE(invitation, 0);
  Answer a;
  a.score = 10;
  a.comment = "Lovely";
  a.consent = true;
  a.consent_text = "Quote me";
  ASSERT_TRUE(store_->SaveAnswer(invitation, a, false, kNow + 10).ok());
  store_.Identify(one, "bob@example.com", kNow + 20);  // scheduled, not sent
  const int64_t other = store_.SentInvitation(two, "ada@example.com", kNow);
  ASSERT_TRUE(
      store_->ClaimReportRun(one.id, {kNow - 7 * 86400, kNow}, "w", kNow, 60).ok());
  auto sync = store_->ClaimSyncWork(kNow + 30, "w", 60, 10);  // leases 'sync:<id>'
  ASSERT_TRUE(sync.ok()) << sync.status().message();
  ASSERT_TRUE(sync->has_value());

  auto deleted = store_->DeleteSurvey(one.id);
  ASSERT_TRUE(deleted.ok()) << deleted.status().message();
  EXPECT_EQ(deleted->customers, 2);
  EXPECT_EQ(deleted->invitations, 1);
  EXPECT_EQ(deleted->answers, 1);
  EXPECT_EQ(deleted->testimonials, 1);
  EXPECT_EQ(deleted->images, 1);

  EXPECT_EQ(store_->GetSurvey(one.id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->LoadInvitation(invitation).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(store_->GetImage(kLogoKey)->has_value());
  EXPECT_TRUE(store_->ListReportRuns(one.id, 10)->empty());
  EXPECT_EQ(store_->GetSyncStatus(one.id).status().code(), Status::Code::kNotFound);
  // Nothing is left due: no scheduled invitation, no sync lease or work.
  auto claims = store_->ClaimDueInvitations(kNow + 100 * 86400, 100, 60, "w");
  ASSERT_TRUE(claims.ok());
  EXPECT_TRUE(claims->empty());
  EXPECT_FALSE(store_->ClaimSyncWork(kNow + 40, "w2", 60, 10)->has_value());
  // Its key no longer takes identifies.
  IngestJob job;
  job.api_key = one.api_key;
  store_->ApplyIngest({&job}, kNow + 50);
  EXPECT_EQ(job.status.code(), Status::Code::kUnauthorized);

  // The other survey is untouched.
  EXPECT_TRUE(store_->LoadInvitation(other).ok());
  CustomerQuery q;
  q.survey_id = two.id;
  EXPECT_EQ(Find(q).size(), 1u);
  EXPECT_EQ(store_->DeleteSurvey(one.id).status().code(), Status::Code::kNotFound);
}

TEST_P(StoreSurveyLifecycleTest, DeleteKeepsALogoAnotherSurveyShows) {
  const Survey one = store_.NewSurvey(kLogoContent);
  ASSERT_TRUE(store_->PutImage(kLogoKey, {"image/png", "png bytes"}, kNow).ok());
  auto copy = store_->DuplicateSurvey(one.id, "copy", kNow);
  ASSERT_TRUE(copy.ok());
  auto deleted = store_->DeleteSurvey(one.id);
  ASSERT_TRUE(deleted.ok()) << deleted.status().message();
  EXPECT_EQ(deleted->images, 0);
  EXPECT_TRUE(store_->GetImage(kLogoKey)->has_value());
}

TEST_P(StoreSurveyLifecycleTest, CustomersBySearchAndState) {
  const Survey s = store_.NewSurvey();
  store_.SentInvitation(s, "dave@example.com", kNow - 4 * 86400);
  store_.Identify(s, "alice@example.com", kNow, "Alice");
  store_.Identify(s, "bob@example.com", kNow, "Alina");
  store_.Identify(s, "carol_x@example.com", kNow, "Carol");

  CustomerQuery q;
  q.survey_id = s.id;
  q.search = "ALI";  // any case; an email's part or a name's
  auto found = Find(q);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].email, "alice@example.com");
  EXPECT_EQ(found[1].email, "bob@example.com");
  q.search = "l_x";  // "_" is no wildcard
  found = Find(q);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].email, "carol_x@example.com");
  q.search = "%";
  EXPECT_TRUE(Find(q).empty());

  q.search = "";
  q.state = "sent";
  found = Find(q);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].email, "dave@example.com");
  EXPECT_EQ(found[0].state, "sent");
  EXPECT_TRUE(found[0].last_surveyed_at.has_value());
  q.state = "scheduled";
  EXPECT_EQ(Find(q).size(), 3u);
  q.search = "carol";
  EXPECT_EQ(Find(q).size(), 1u);
  q.state = "answered";
  EXPECT_TRUE(Find(q).empty());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreSurveyLifecycleTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
