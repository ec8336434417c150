// Send windows in the store, on every backend: the setting's round trip,
// and survey emails due outside the window put back in the queue until it
// opens, without an attempt, a lease or the monthly budget.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;       // 2026-11-28T10:00:00Z, a Saturday
constexpr int64_t kMonday = 1796025600;    // 2026-11-30T08:00:00Z, 09:00 in Berlin
constexpr int64_t kMondayNy = 1796047200;  // 2026-11-30T14:00:00Z, 09:00 in New York

constexpr char kWeekdays[] =
    R"({"days":["mon","tue","wed","thu","fri"],"end":"17:00","start":"09:00",)"
    R"("time_zone":"Europe/Berlin","use_customer_time_zone":true})";

class StoreSendWindowTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  Survey WindowSurvey(const std::string &window) {
    Survey survey = store_.NewSurvey();
    survey.send_window = window;
    survey.policy.monthly_budget = 10;
    auto updated = store_->UpdateSurvey(survey, kNow - 86400);
    EXPECT_TRUE(updated.ok()) << updated.status().message();
    return updated.ok() ? *updated : survey;
  }

  void Identify(const Survey &survey, const std::string &email,
                const std::string &time_zone = "") {
    nlohmann::json m = {{"type", "identify"}, {"traits", {{"email", email}}}};
    if (!time_zone.empty()) m["traits"]["timezone"] = time_zone;
    auto parsed = ParseSpecMessage(m, "");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    IngestJob job;
    job.api_key = survey.api_key;
    job.identifies.push_back(*parsed->identify);
    store_->ApplyIngest({&job}, kNow - 60);
    ASSERT_TRUE(job.status.ok()) << job.status.message();
  }

  std::vector<DeliveryClaim> Claim(int64_t now) {
    auto claims = store_->ClaimDueInvitations(now, 50, 60, "w1");
    EXPECT_TRUE(claims.ok()) << claims.status().ToLogString();
    return claims.ok() ? *claims : std::vector<DeliveryClaim>{};
  }

  int64_t Query(const std::string &sql) { return store_.backend()->QueryInt(sql); }

  TempStore store_{GetParam()};
};

TEST_P(StoreSendWindowTest, TheSettingRoundTrips) {
  const Survey survey = WindowSurvey(kWeekdays);
  auto got = store_->GetSurvey(survey.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->send_window, kWeekdays);
  auto copy = store_->DuplicateSurvey(survey.id, "Copy", kNow);
  ASSERT_TRUE(copy.ok()) << copy.status().ToLogString();
  EXPECT_EQ(copy->send_window, kWeekdays);

  Survey cleared = *got;
  cleared.send_window.clear();
  ASSERT_TRUE(store_->UpdateSurvey(cleared, kNow).ok());
  EXPECT_EQ(store_->GetSurvey(survey.id)->send_window, "");
  EXPECT_EQ(Query("SELECT count(*) FROM surveys WHERE send_window IS NULL AND id = " +
                  std::to_string(survey.id)),
            1);
}

TEST_P(StoreSendWindowTest, DueOutsideTheWindowWaitsForItsOpeningInTheRightZone) {
  const Survey survey = WindowSurvey(kWeekdays);
  Identify(survey, "berlin@example.com");
  Identify(survey, "ny@example.com", "America/New_York");
  Identify(survey, "mars@example.com", "Mars/Olympus");  // not a zone: the survey's
  const int64_t budget_used = Query("SELECT sum(invitations) FROM survey_months");

  // Saturday: every one is put back, none leased.
  const std::vector<DeliveryClaim> deferred = Claim(kNow);
  ASSERT_EQ(deferred.size(), 3u);
  std::map<std::string, int64_t> until;
  for (const DeliveryClaim &c : deferred) {
    ASSERT_TRUE(c.deferred_until.has_value()) << c.email;
    until[c.email] = *c.deferred_until;
  }
  EXPECT_GE(until["berlin@example.com"], kMonday);
  EXPECT_LT(until["berlin@example.com"], kMonday + 3600);
  EXPECT_GE(until["mars@example.com"], kMonday);
  EXPECT_LT(until["mars@example.com"], kMonday + 3600);
  EXPECT_GE(until["ny@example.com"], kMondayNy);
  EXPECT_LT(until["ny@example.com"], kMondayNy + 3600);
  EXPECT_EQ(Query("SELECT count(*) FROM invitations WHERE status = 'queued' AND "
                  "attempts = 0 AND lease_owner = ''"),
            3);
  EXPECT_EQ(Query("SELECT sum(invitations) FROM survey_months"), budget_used);

  // The customers API says when each goes.
  CustomerQuery q;
  q.survey_id = survey.id;
  auto customers = store_->FindCustomers(q);
  ASSERT_TRUE(customers.ok());
  for (const CustomerView &c : *customers) {
    ASSERT_EQ(c.invitations.size(), 1u) << c.email;
    EXPECT_EQ(c.invitations[0].status, InvitationStatus::kQueued);
    EXPECT_EQ(c.invitations[0].next_attempt_at, until[c.email]) << c.email;
  }

  // Nothing more until then: no second deferral, no send.
  EXPECT_TRUE(Claim(kNow + 3600).empty());
  // At its time, inside the window: claimed for real, the first attempt.
  const std::vector<DeliveryClaim> claimed = Claim(kMonday + 3600);
  ASSERT_EQ(claimed.size(), 2u);
  for (const DeliveryClaim &c : claimed) {
    EXPECT_FALSE(c.deferred_until.has_value()) << c.email;
    EXPECT_NE(c.email, "ny@example.com");
  }
  // New York's morning is later; Berlin's and the fallback's are now.
  EXPECT_EQ(Query("SELECT count(*) FROM invitations WHERE status = 'sending'"), 2);
  EXPECT_EQ(Query("SELECT count(*) FROM invitations WHERE status = 'queued'"), 1);
  EXPECT_EQ(Query("SELECT max(attempts) FROM invitations WHERE status = 'sending'"), 1);
  std::vector<DeliveryRecord> sent(2);
  sent[0].invitation_id = claimed[0].invitation_id;
  sent[1].invitation_id = claimed[1].invitation_id;
  ASSERT_TRUE(store_->RecordDeliveries(sent, kMonday + 3600, "w1").ok());
  const std::vector<DeliveryClaim> ny = Claim(until["ny@example.com"]);
  ASSERT_EQ(ny.size(), 1u);
  EXPECT_EQ(ny[0].email, "ny@example.com");
  EXPECT_FALSE(ny[0].deferred_until.has_value());
}

TEST_P(StoreSendWindowTest, ARetryDueOutsideStaysARetryWithItsAttempts) {
  const Survey survey = WindowSurvey(kWeekdays);
  Identify(survey, "ann@example.com");
  // Monday 10:00 Berlin: open; the server asks to try again on Saturday.
  std::vector<DeliveryClaim> claims = Claim(kMonday + 3600);
  ASSERT_EQ(claims.size(), 1u);
  ASSERT_FALSE(claims[0].deferred_until.has_value());
  DeliveryRecord retry;
  retry.invitation_id = claims[0].invitation_id;
  retry.attempt = 1;
  retry.outcome = DeliveryRecord::Outcome::kRetry;
  const int64_t saturday = kMonday + 5 * 86400;
  retry.retry_at = saturday;
  ASSERT_TRUE(store_->RecordDeliveries({retry}, kMonday + 3600, "w1").ok());

  claims = Claim(saturday);
  ASSERT_EQ(claims.size(), 1u);
  ASSERT_TRUE(claims[0].deferred_until.has_value());
  EXPECT_GE(*claims[0].deferred_until, kMonday + 7 * 86400);
  EXPECT_EQ(Query("SELECT count(*) FROM invitations WHERE status = 'retry' AND "
                  "attempts = 1"),
            1);
  // Without a window it would have gone: the window is the only reason.
  Survey open = *store_->GetSurvey(survey.id);
  open.send_window.clear();
  ASSERT_TRUE(store_->UpdateSurvey(open, saturday).ok());
  claims = Claim(*claims[0].deferred_until);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_FALSE(claims[0].deferred_until.has_value());
  EXPECT_EQ(claims[0].attempts, 2);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreSendWindowTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
