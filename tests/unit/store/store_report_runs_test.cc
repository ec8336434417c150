#include <gtest/gtest.h>

#include <string>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1796284800;                  // 2026-12-03T08:00:00Z
constexpr TimeSpan kWeek = {1795392000, 1795996800};  // 23-30 Nov 2026

// The report runs' side of the store contract, run on every backend.
class StoreReportRunsTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  std::optional<ReportRun> Claim(const std::string &owner, int64_t now = kNow,
                                 Store *store = nullptr) {
    auto claimed = (store ? store : store_.get())
                       ->ClaimReportRun(survey_.id, kWeek, owner, now, 600);
    EXPECT_TRUE(claimed.ok()) << claimed.status().message();
    return claimed.ok() ? *claimed : std::nullopt;
  }

  Status Finish(const std::string &owner, ReportRunStatus status, int64_t retry_at = 0,
                const std::string &error = "") {
    return store_->FinishReportRun(survey_.id, kWeek.from, owner, status, error, retry_at,
                                   kNow);
  }

  TempStore store_{GetParam()};
  Survey survey_ = store_.NewSurvey();
};

TEST_P(StoreReportRunsTest, AClaimCreatesTheRunAndLeasesIt) {
  const auto run = Claim("a");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->survey_id, survey_.id);
  EXPECT_EQ(run->period.from, kWeek.from);
  EXPECT_EQ(run->period.to, kWeek.to);
  EXPECT_EQ(run->status, ReportRunStatus::kDue);
  EXPECT_EQ(run->attempts, 0);
  EXPECT_TRUE(run->handled.empty());
  // Another worker (another connection) does not get it while the lease holds.
  auto other = store_.OpenAnother();
  EXPECT_FALSE(Claim("b", kNow + 599, other.get()).has_value());
  // The same owner may claim again (its own step after a restart of the step).
  EXPECT_TRUE(Claim("a", kNow + 1).has_value());
}

TEST_P(StoreReportRunsTest, AnExpiredLeaseGoesToTheNextOwnerWithWhatWasHandled) {
  ASSERT_TRUE(Claim("a").has_value());
  ASSERT_TRUE(
      store_->RecordReportRecipient(survey_.id, kWeek.from, "a", "one@example.com").ok());
  // "a" dies here. After its lease, "b" goes on without "one".
  const auto run = Claim("b", kNow + 600);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->handled, std::vector<std::string>{"one@example.com"});
  // "a" comes back: it no longer owns the run and changes nothing.
  EXPECT_EQ(store_->RecordReportRecipient(survey_.id, kWeek.from, "a", "two@example.com")
                .code(),
            Status::Code::kConflict);
  EXPECT_EQ(Finish("a", ReportRunStatus::kSent).code(), Status::Code::kConflict);
  EXPECT_TRUE(Finish("b", ReportRunStatus::kSent).ok());
}

TEST_P(StoreReportRunsTest, AFinishedRunIsNeverClaimedAgain) {
  for (ReportRunStatus done :
       {ReportRunStatus::kSent, ReportRunStatus::kSkipped, ReportRunStatus::kFailed}) {
    TempStore store(GetParam());
    const Survey survey = store.NewSurvey();
    ASSERT_TRUE(store->ClaimReportRun(survey.id, kWeek, "a", kNow, 600)->has_value());
    ASSERT_TRUE(
        store->FinishReportRun(survey.id, kWeek.from, "a", done, "", 0, kNow).ok());
    EXPECT_FALSE(
        store->ClaimReportRun(survey.id, kWeek, "a", kNow + 1, 600)->has_value());
    EXPECT_FALSE(
        store->ClaimReportRun(survey.id, kWeek, "b", kNow + 100000, 600)->has_value());
    const auto runs = store->ListReportRuns(survey.id, 10);
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ((*runs)[0].status, done);
    EXPECT_EQ((*runs)[0].finished_at, kNow);
  }
}

TEST_P(StoreReportRunsTest, ARetryWaitsForItsTimeAndCountsAttempts) {
  ASSERT_TRUE(Claim("a").has_value());
  ASSERT_TRUE(Finish("a", ReportRunStatus::kRetry, kNow + 300, "421 busy").ok());
  EXPECT_FALSE(Claim("a", kNow + 299).has_value());
  const auto run = Claim("b", kNow + 300);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, ReportRunStatus::kRetry);
  EXPECT_EQ(run->attempts, 1);
  EXPECT_EQ(run->last_error, "421 busy");
  EXPECT_FALSE(run->finished_at.has_value());
}

TEST_P(StoreReportRunsTest, EachPeriodAndSurveyHasItsOwnRun) {
  ASSERT_TRUE(Claim("a").has_value());
  ASSERT_TRUE(Finish("a", ReportRunStatus::kSent).ok());
  const TimeSpan next = {kWeek.to, kWeek.to + 7 * 86400};
  EXPECT_TRUE(store_->ClaimReportRun(survey_.id, next, "a", kNow, 600)->has_value());
  const Survey other = store_.NewSurvey();
  EXPECT_TRUE(store_->ClaimReportRun(other.id, kWeek, "a", kNow, 600)->has_value());
  const auto runs = store_->ListReportRuns(survey_.id, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].period.from, next.from);  // newest first
  EXPECT_EQ((*runs)[1].status, ReportRunStatus::kSent);
}

TEST_P(StoreReportRunsTest, SurveysKeepTheirReportSettings) {
  Survey s = survey_;
  s.report_frequency = ReportFrequency::kMonthly;
  s.report_recipients = {"owner@example.com", "cto@example.com"};
  ASSERT_TRUE(store_->UpdateSurvey(s, kNow).ok());
  store_.Reopen();
  const auto got = store_->GetSurvey(s.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->report_frequency, ReportFrequency::kMonthly);
  EXPECT_EQ(got->report_recipients, s.report_recipients);
  EXPECT_EQ(store_.NewSurvey().report_frequency, ReportFrequency::kOff);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreReportRunsTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
