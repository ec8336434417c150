#include "reports/report_mailer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "mail/retry_policy.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kWeekStart = 1795392000;  // Monday 2026-11-23T00:00:00Z
constexpr int64_t kNow = kWeekStart + 10 * 86400 + 8 * 3600;  // Thu 3 Dec, 08:00

// Sends nothing; answers as told per recipient (sent by default).
class ScriptedTransport : public MailTransport {
 public:
  SendResult Send(const OutgoingMail &mail) override {
    SendResult r;
    r.outcome = SendOutcome::kSent;
    const auto scripted = outcomes.find(mail.recipient);
    if (scripted != outcomes.end()) r.outcome = scripted->second;
    r.detail = r.outcome == SendOutcome::kSent ? "250 ok" : "server said no";
    if (r.outcome == SendOutcome::kSent) sent.push_back(mail);
    ++attempts;
    return r;
  }

  std::map<std::string, SendOutcome> outcomes;
  std::vector<OutgoingMail> sent;
  int attempts = 0;
};

class ReportMailerTest : public ::testing::Test {
 protected:
  ReportMailerTest() {
    options_.sender = {"Acme NPS", "nps@acme.example"};
    options_.message_id_domain = "nps.acme.example";
    options_.admin_url = "https://nps.acme.example/admin/";
    options_.lease_owner = "worker-a";
    survey_.report_frequency = ReportFrequency::kWeekly;
    survey_.report_recipients = {"owner@acme.example", "cto@acme.example"};
    survey_ = store_->UpdateSurvey(survey_, 0).value();
  }

  // A customer answering in the reported week.
  void AnswerInWeek(const std::string &email, int score, const std::string &comment) {
    const int64_t at = kWeekStart + 86400 * (1 + answers_++ % 5);
    const int64_t invitation = store_.SentInvitation(survey_, email, at, "Ada");
    Answer a;
    a.score = score;
    a.comment = comment;
    ASSERT_TRUE(store_->SaveAnswer(invitation, a, false, at + 60).ok());
  }

  ReportMailStepResult Step(int64_t now = kNow, const std::string &owner = "worker-a") {
    ReportMailOptions options = options_;
    options.lease_owner = owner;
    return RunReportMailStep(store_.get(), store_.get(), store_.get(), &transport_,
                             options, now, [] { return false; });
  }

  ReportRun LastRun() {
    auto runs = store_->ListReportRuns(survey_.id, 1);
    EXPECT_TRUE(runs.ok() && runs->size() == 1u);
    return runs.ok() && !runs->empty() ? runs->front() : ReportRun{};
  }

  ReportRunStatus LastRunOrDue() {
    auto runs = store_->ListReportRuns(survey_.id, 1);
    return runs.ok() && !runs->empty() ? runs->front().status : ReportRunStatus::kDue;
  }

  TempStore store_;
  Survey survey_ = store_.NewSurvey();
  ScriptedTransport transport_;
  ReportMailOptions options_;
  int answers_ = 0;
};

TEST_F(ReportMailerTest, SendsTheLastWeeksReportOnceToEachRecipient) {
  AnswerInWeek("a@example.com", 10, "Great support");
  AnswerInWeek("b@example.com", 3, "Too slow");
  const ReportMailStepResult r = Step();
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.emails_sent, 2);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].recipient, "owner@acme.example");
  EXPECT_EQ(transport_.sent[1].recipient, "cto@acme.example");
  EXPECT_EQ(transport_.sent[0].envelope_from, "nps@acme.example");
  EXPECT_NE(transport_.sent[0].message_id, transport_.sent[1].message_id);
  const std::string &data = transport_.sent[0].data;
  EXPECT_NE(data.find("Subject: NPS: NPS 0 in the week of 23 Nov 2026"),
            std::string::npos)
      << data.substr(0, 600);
  EXPECT_NE(data.find("#/surveys/" + std::to_string(survey_.id) + "/dashboard"),
            std::string::npos);
  EXPECT_NE(data.find("Great support"), std::string::npos);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, ReportMailEvent::Kind::kSent);
  EXPECT_EQ(LastRun().status, ReportRunStatus::kSent);
  // Later steps in the same week, by this worker or the next, send nothing.
  EXPECT_EQ(Step(kNow + 3600).emails_sent, 0);
  EXPECT_EQ(Step(kNow + 7200, "worker-b").emails_sent, 0);
  EXPECT_EQ(transport_.attempts, 2);
}

TEST_F(ReportMailerTest, TheNextWeekHasItsOwnReport) {
  AnswerInWeek("a@example.com", 9, "");
  EXPECT_EQ(Step().emails_sent, 2);
  // The week of 30 Nov had no answers: recorded as skipped, nothing sent.
  const ReportMailStepResult r = Step(kNow + 7 * 86400);
  EXPECT_EQ(r.emails_sent, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, ReportMailEvent::Kind::kSkipped);
  EXPECT_EQ(LastRun().status, ReportRunStatus::kSkipped);
  EXPECT_EQ(LastRun().period.from, kWeekStart + 7 * 86400);
}

TEST_F(ReportMailerTest, AnEmptyPeriodIsSkippedNotSentEmpty) {
  const ReportMailStepResult r = Step();
  EXPECT_EQ(transport_.attempts, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, ReportMailEvent::Kind::kSkipped);
  EXPECT_NE(r.events[0].text.find("no answers"), std::string::npos);
  EXPECT_EQ(LastRun().status, ReportRunStatus::kSkipped);
}

TEST_F(ReportMailerTest, OffOrWithoutRecipientsSendsNothing) {
  AnswerInWeek("a@example.com", 9, "");
  survey_.report_recipients.clear();
  ASSERT_TRUE(store_->UpdateSurvey(survey_, 0).ok());
  EXPECT_TRUE(Step().events.empty());
  survey_.report_recipients = {"owner@acme.example"};
  survey_.report_frequency = ReportFrequency::kOff;
  ASSERT_TRUE(store_->UpdateSurvey(survey_, 0).ok());
  EXPECT_TRUE(Step().events.empty());
  EXPECT_EQ(transport_.attempts, 0);
  EXPECT_TRUE(store_->ListReportRuns(survey_.id, 10)->empty());
}

TEST_F(ReportMailerTest, AnArchivedSurveyIsNotReported) {
  AnswerInWeek("a@example.com", 9, "");
  ASSERT_TRUE(store_->SetSurveyArchived(survey_.id, true, kNow - 60).ok());
  EXPECT_TRUE(Step().events.empty());
  EXPECT_EQ(transport_.attempts, 0);
  ASSERT_TRUE(store_->SetSurveyArchived(survey_.id, false, kNow - 30).ok());
  EXPECT_EQ(Step().emails_sent, 2);
}

TEST_F(ReportMailerTest, ATemporaryFailureRetriesOnlyTheRecipientsLeft) {
  AnswerInWeek("a@example.com", 9, "");
  transport_.outcomes["cto@acme.example"] = SendOutcome::kTemporaryFailure;
  ReportMailStepResult r = Step();
  EXPECT_EQ(r.emails_sent, 1);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, ReportMailEvent::Kind::kRetry);
  EXPECT_NE(r.events[0].text.find("cto@acme.example: server said no"), std::string::npos);
  ReportRun run = LastRun();
  EXPECT_EQ(run.status, ReportRunStatus::kRetry);
  EXPECT_EQ(run.attempts, 1);
  EXPECT_EQ(run.handled, std::vector<std::string>{"owner@acme.example"});
  // Not before its retry time (about a minute).
  EXPECT_EQ(Step(kNow + 30).events.size(), 0u);
  transport_.outcomes.clear();
  r = Step(kNow + 3600);
  EXPECT_EQ(r.emails_sent, 1);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[1].recipient, "cto@acme.example");
  EXPECT_EQ(LastRun().status, ReportRunStatus::kSent);
}

TEST_F(ReportMailerTest, ARefusedRecipientDoesNotStopTheOthers) {
  AnswerInWeek("a@example.com", 9, "");
  transport_.outcomes["owner@acme.example"] = SendOutcome::kPermanentFailure;
  const ReportMailStepResult r = Step();
  EXPECT_EQ(r.emails_sent, 1);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].kind, ReportMailEvent::Kind::kBounced);
  EXPECT_EQ(r.events[1].kind, ReportMailEvent::Kind::kSent);
  const ReportRun run = LastRun();
  EXPECT_EQ(run.status, ReportRunStatus::kSent);
  EXPECT_NE(run.last_error.find("owner@acme.example: server said no"), std::string::npos);
  EXPECT_EQ(Step(kNow + 86400).emails_sent, 0);  // not retried
}

TEST_F(ReportMailerTest, RetriesPastTheNextPeriodThenGivesUp) {
  AnswerInWeek("a@example.com", 9, "");
  transport_.outcomes["owner@acme.example"] = SendOutcome::kTemporaryFailure;
  // A step every 7 hours for 10 days: the retries go on after the next
  // week has ended (and been skipped), until the last attempt.
  std::vector<ReportMailEvent> events;
  for (int64_t now = kNow; now < kNow + 10 * 86400; now += 7 * 3600) {
    const ReportMailStepResult r = Step(now);
    events.insert(events.end(), r.events.begin(), r.events.end());
  }
  const auto runs = store_->ListReportRuns(survey_.id, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].status, ReportRunStatus::kSkipped);  // the week of 30 Nov
  EXPECT_EQ((*runs)[1].period.from, kWeekStart);
  EXPECT_EQ((*runs)[1].status, ReportRunStatus::kFailed);
  EXPECT_EQ((*runs)[1].attempts, kMaxDeliveryAttempts - 1);  // the last one failed it
  EXPECT_EQ(transport_.attempts, kMaxDeliveryAttempts);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, ReportMailEvent::Kind::kFailed);
  EXPECT_NE(events.back().text.find("given up after 15 attempts"), std::string::npos)
      << events.back().text;
}

TEST_F(ReportMailerTest, AQuittingWorkerPutsTheRunBack) {
  AnswerInWeek("a@example.com", 9, "");
  const ReportMailStepResult r =
      RunReportMailStep(store_.get(), store_.get(), store_.get(), &transport_, options_,
                        kNow, [n = 0]() mutable { return n++ > 0; });
  EXPECT_EQ(transport_.attempts, 0);
  EXPECT_EQ(LastRun().status, ReportRunStatus::kRetry);
  // The next worker sends it at once.
  EXPECT_EQ(Step(kNow + 1, "worker-b").emails_sent, 2);
}

}  // namespace
}  // namespace callexa
