#include <gtest/gtest.h>

#include <string>

#include "alerts/alert_rule.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z
constexpr int64_t kQuiet = 120;

// The alert queue: the store contract, run on every backend.
class StoreAlertsTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void SetUp() override {
    survey_.alerts.on = AlertBands::kDetractors;
    survey_.alerts.recipients = {"owner@example.com"};
    survey_.reply_to = "support@example.com";
    auto updated = store_->UpdateSurvey(survey_, kNow);
    ASSERT_TRUE(updated.ok()) << updated.status().message();
    survey_ = *updated;
  }

  Status Save(int64_t invitation, int score, const std::string &comment, int64_t at) {
    Answer a;
    a.score = score;
    a.comment = comment;
    a.tag_ratings = {{"Support", 2}};
    return store_->SaveAnswer(invitation, a, false, at);
  }

  std::vector<AlertClaim> Claim(const std::string &owner, int64_t now,
                                Store *store = nullptr) {
    auto claimed =
        (store ? store : store_.get())
            ->ClaimSettledAlerts(owner, AlertCutoffsAt(now, kQuiet), now, 600, 10);
    EXPECT_TRUE(claimed.ok()) << claimed.status().message();
    return claimed.ok() ? *claimed : std::vector<AlertClaim>{};
  }

  TempStore store_{GetParam()};
  Survey survey_ = store_.NewSurvey();
};

TEST_P(StoreAlertsTest, SurveysKeepAlertSettingsAndReplyTo) {
  store_.Reopen();
  auto got = store_->GetSurvey(survey_.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->alerts.on, AlertBands::kDetractors);
  EXPECT_EQ(got->alerts.recipients, std::vector<std::string>{"owner@example.com"});
  EXPECT_EQ(got->reply_to, "support@example.com");
  auto copy = store_->DuplicateSurvey(survey_.id, "Copy", kNow);
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ(copy->alerts.on, AlertBands::kDetractors);
  EXPECT_EQ(copy->reply_to, "support@example.com");
  EXPECT_EQ(store_.NewSurvey().alerts.on, AlertBands::kOff);
}

TEST_P(StoreAlertsTest, OnlyAnAlertingBandIsQueuedAndItOpensTheFollowUp) {
  const int64_t promoter = store_.SentInvitation(survey_, "pat@example.com", kNow);
  const int64_t detractor = store_.SentInvitation(survey_, "ada@example.com", kNow);
  ASSERT_TRUE(Save(promoter, 9, "great", kNow).ok());
  ASSERT_TRUE(Save(detractor, 3, "slow", kNow).ok());
  const auto claims = Claim("a", kNow + 10 * kQuiet);
  ASSERT_EQ(claims.size(), 1u);
  const AlertClaim &c = claims[0];
  EXPECT_EQ(c.invitation_id, detractor);
  EXPECT_EQ(c.survey_id, survey_.id);
  EXPECT_EQ(c.attempts, 1);
  EXPECT_EQ(c.email, "ada@example.com");
  EXPECT_EQ(c.answer.answer.score, 3);
  EXPECT_EQ(c.answer.answer.comment, "slow");
  EXPECT_EQ(c.answer.answer.tag_ratings.at("Support"), 2);
  EXPECT_NE(c.customer_id, 0);
  std::optional<FollowUp> f;
  std::vector<FollowUpEntry> thread;
  ASSERT_TRUE(store_->GetFollowUpItem(survey_.id, detractor, &f, &thread).ok());
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->status, "open");
  EXPECT_EQ(f->opened_by, "");
  std::optional<FollowUp> none;
  ASSERT_TRUE(store_->GetFollowUpItem(survey_.id, promoter, &none, &thread).ok());
  EXPECT_FALSE(none.has_value());
}

TEST_P(StoreAlertsTest, AnAlertWaitsUntilTheAnswerSettles) {
  const int64_t inv = store_.SentInvitation(survey_, "ada@example.com", kNow);
  ASSERT_TRUE(Save(inv, 3, "", kNow).ok());
  EXPECT_TRUE(Claim("a", kNow + kQuiet - 1).empty());
  // The comment follows 100 s later: the quiet period starts again.
  ASSERT_TRUE(Save(inv, 2, "it broke", kNow + 100).ok());
  EXPECT_TRUE(Claim("a", kNow + 100 + kQuiet - 1).empty());
  const auto claims = Claim("a", kNow + 100 + kQuiet);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].answer.answer.score, 2);
  EXPECT_EQ(claims[0].answer.answer.comment, "it broke");
}

TEST_P(StoreAlertsTest, EditsPutAnAlertOffAtMostFiveQuietPeriods) {
  const int64_t inv = store_.SentInvitation(survey_, "ada@example.com", kNow);
  int64_t t = kNow;
  for (; t < kNow + 5 * kQuiet; t += 100) {
    ASSERT_TRUE(Save(inv, 3, "edit " + std::to_string(t), t).ok());
    EXPECT_TRUE(Claim("a", t).empty()) << t - kNow;
  }
  ASSERT_EQ(Claim("a", kNow + 5 * kQuiet).size(), 1u);
}

TEST_P(StoreAlertsTest, TheLeaseIsFencedAndTakenOverAfterItRunsOut) {
  const int64_t inv = store_.SentInvitation(survey_, "ada@example.com", kNow);
  ASSERT_TRUE(Save(inv, 3, "slow", kNow).ok());
  const int64_t t = kNow + kQuiet;
  ASSERT_EQ(Claim("a", t).size(), 1u);
  auto other = store_.OpenAnother();
  EXPECT_TRUE(Claim("b", t + 599, other.get()).empty());
  // "a" dies; after its lease "b" takes the alert over.
  const auto taken = Claim("b", t + 600, other.get());
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].attempts, 2);
  EXPECT_EQ(store_->FinishAlert(inv, "a", 1, AlertOutcome::kSent, "", 0, t + 601).code(),
            Status::Code::kConflict);
  ASSERT_TRUE(other->FinishAlert(inv, "b", 2, AlertOutcome::kSent, "", 0, t + 601).ok());
  // Sent for good: a later edit does not alert again.
  ASSERT_TRUE(Save(inv, 1, "still slow", t + 700).ok());
  EXPECT_TRUE(Claim("c", t + 100000).empty());
}

TEST_P(StoreAlertsTest, ARetryWaitsForItsTime) {
  const int64_t inv = store_.SentInvitation(survey_, "ada@example.com", kNow);
  ASSERT_TRUE(Save(inv, 3, "slow", kNow).ok());
  const int64_t t = kNow + kQuiet;
  const auto claims = Claim("a", t);
  ASSERT_EQ(claims.size(), 1u);
  ASSERT_TRUE(
      store_->FinishAlert(inv, "a", 1, AlertOutcome::kRetry, "421 busy", t + 60, t).ok());
  EXPECT_TRUE(Claim("a", t + 59).empty());
  const auto again = Claim("a", t + 60);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 2);
  ASSERT_TRUE(
      store_->FinishAlert(inv, "a", 2, AlertOutcome::kFailed, "550", 0, t + 60).ok());
  EXPECT_TRUE(Claim("a", t + 100000).empty());
}

TEST_P(StoreAlertsTest, ASkippedAlertWaitsAnewWhenTheAnswerAlertsAgain) {
  const int64_t inv = store_.SentInvitation(survey_, "ada@example.com", kNow);
  ASSERT_TRUE(Save(inv, 3, "", kNow).ok());
  // Out of the band before it settled: still delivered to the step (which
  // decides from the answer as it is then), put off by the change.
  ASSERT_TRUE(Save(inv, 10, "oops, meant 10", kNow + 60).ok());
  EXPECT_TRUE(Claim("a", kNow + kQuiet).empty());
  const auto claims = Claim("a", kNow + 60 + kQuiet);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].answer.answer.score, 10);
  ASSERT_TRUE(
      store_->FinishAlert(inv, "a", 1, AlertOutcome::kSkipped, "", 0, kNow + 60 + kQuiet)
          .ok());
  const int64_t later = kNow + 100000;
  ASSERT_TRUE(Save(inv, 4, "no, a 4", later).ok());
  EXPECT_TRUE(Claim("a", later + kQuiet - 1).empty());
  ASSERT_EQ(Claim("a", later + kQuiet).size(), 1u);
}

TEST_P(StoreAlertsTest, DeletionErasureAndRetentionRemoveAlerts) {
  const int64_t inv = store_.SentInvitation(survey_, "ada@example.com", kNow);
  ASSERT_TRUE(Save(inv, 3, "slow", kNow).ok());
  const int64_t inv2 = store_.SentInvitation(survey_, "bob@example.com", kNow);
  ASSERT_TRUE(Save(inv2, 3, "slow", kNow).ok());
  auto erased = store_->ErasePerson("ada@example.com", kNow + 1);
  ASSERT_TRUE(erased.ok()) << erased.status().message();
  const auto left = Claim("a", kNow + kQuiet);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].invitation_id, inv2);

  Survey kept = survey_;
  kept.retention_months = 1;
  ASSERT_TRUE(store_->UpdateSurvey(kept, kNow).ok());
  auto expired = store_->DeleteExpiredAnswers(kNow + 90 * 86400);
  ASSERT_TRUE(expired.ok()) << expired.status().message();
  EXPECT_EQ(*expired, 1);

  const int64_t inv3 = store_.SentInvitation(survey_, "cy@example.com", kNow);
  ASSERT_TRUE(Save(inv3, 3, "slow", kNow).ok());
  auto deleted = store_->DeleteSurvey(survey_.id);
  ASSERT_TRUE(deleted.ok()) << deleted.status().message();
  EXPECT_TRUE(Claim("a", kNow + 100000).empty());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreAlertsTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
