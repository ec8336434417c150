// The reminder claims and records (store/reminder_store.h), on every
// backend: due once, after the survey email, never to someone who answered
// (also when the answer races the step), leases and fencing as for survey
// emails, and gone with erasure, retention and survey deletion.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "policy/send_window.h"
#include "reports/report.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z
constexpr int64_t kDay = 86400;
constexpr int64_t kDue = kNow + 3 * kDay;  // the reminder of an email sent at kNow

ReminderRecord Outcome(const ReminderClaim &c, ReminderRecord::Outcome outcome) {
  ReminderRecord r;
  r.invitation_id = c.invitation_id;
  r.attempt = c.attempts;
  r.outcome = outcome;
  return r;
}

class StoreRemindersTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  // A survey reminding after three days.
  Survey ReminderSurvey(int days = 3) {
    Survey survey = store_.NewSurvey();
    survey.reminder_after_days = days;
    auto updated = store_->UpdateSurvey(survey, kNow - kDay);
    EXPECT_TRUE(updated.ok()) << updated.status().message();
    return updated.ok() ? *updated : survey;
  }

  std::vector<ReminderClaim> Claim(int64_t now, const std::string &owner = "w1",
                                   Store *store = nullptr) {
    auto claims = (store ? store : store_.get())->ClaimDueReminders(now, 50, 60, owner);
    EXPECT_TRUE(claims.ok()) << claims.status().ToLogString();
    return claims.ok() ? *claims : std::vector<ReminderClaim>{};
  }

  int64_t Count(const std::string &where) {
    return store_.backend()->QueryInt("SELECT count(*) FROM reminders WHERE " + where);
  }

  // The reminder as the customers API shows it.
  InvitationView InvitationOf(const Survey &survey, int64_t invitation_id) {
    CustomerQuery q;
    q.survey_id = survey.id;
    auto customers = store_->FindCustomers(q);
    EXPECT_TRUE(customers.ok());
    for (const CustomerView &c : *customers) {
      for (const InvitationView &i : c.invitations) {
        if (i.id == invitation_id) return i;
      }
    }
    ADD_FAILURE() << "no invitation " << invitation_id;
    return {};
  }

  void Answer(int64_t invitation_id, int64_t at, int score = 9) {
    callexa::Answer a;
    a.score = score;
    ASSERT_TRUE(store_->SaveAnswer(invitation_id, a, true, at).ok());
  }

  TempStore store_{GetParam()};
};

TEST_P(StoreRemindersTest, DueOnceAfterTheDelayCountingFromTheSurveyEmail) {
  const Survey survey = ReminderSurvey();
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow, "Ann");
  ASSERT_NE(id, 0);
  EXPECT_TRUE(Claim(kDue - 1).empty());
  EXPECT_EQ(Count("1 = 1"), 0);  // nothing recorded before it is due

  const std::vector<ReminderClaim> claims = Claim(kDue);
  ASSERT_EQ(claims.size(), 1u);
  const ReminderClaim &c = claims.front();
  EXPECT_EQ(c.invitation_id, id);
  EXPECT_EQ(c.survey_id, survey.id);
  EXPECT_EQ(c.email, "ann@example.com");
  EXPECT_EQ(c.first_name, "Ann");
  EXPECT_EQ(c.attempts, 1);
  EXPECT_EQ(c.survey_sent_at, kNow);
  EXPECT_EQ(c.due_at, kDue);
  EXPECT_FALSE(c.message_id.empty());
  EXPECT_FALSE(c.survey_message_id.empty());
  EXPECT_NE(c.message_id, c.survey_message_id);
  EXPECT_EQ(InvitationOf(survey, id).reminder_status, ReminderStatus::kSending);

  // Leased: no one else gets it while the lease lasts.
  EXPECT_TRUE(Claim(kDue + 59, "w2").empty());
  ASSERT_TRUE(
      store_
          ->RecordReminders({Outcome(c, ReminderRecord::Outcome::kSent)}, kDue + 5, "w1")
          .ok());
  const InvitationView v = InvitationOf(survey, id);
  EXPECT_EQ(v.reminder_status, ReminderStatus::kSent);
  EXPECT_EQ(v.reminder_sent_at, kDue + 5);
  EXPECT_EQ(v.status, InvitationStatus::kSent);  // the invitation's own state is its own

  // Reminders do not count against the monthly budget.
  EXPECT_EQ(store_.backend()->QueryInt("SELECT sum(invitations) FROM survey_months"), 1);
  // Never a second one, however long it stays unanswered.
  EXPECT_TRUE(Claim(kDue + kDay).empty());
  EXPECT_TRUE(Claim(kDue + 20 * kDay).empty());
  EXPECT_EQ(Count("1 = 1"), 1);
}

TEST_P(StoreRemindersTest, NoneBeforeTheSurveyEmailWasSent) {
  const Survey survey = ReminderSurvey();
  store_.Identify(survey, "ann@example.com", kNow);
  // Claimed but never recorded as sent (the server kept failing).
  auto claims = store_->ClaimDueInvitations(kNow, 10, 60, "w1");
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 1u);
  DeliveryRecord retry;
  retry.invitation_id = claims->front().invitation_id;
  retry.outcome = DeliveryRecord::Outcome::kRetry;
  retry.retry_at = kNow + 30 * kDay;
  ASSERT_TRUE(store_->RecordDeliveries({retry}, kNow, "w1").ok());
  EXPECT_TRUE(Claim(kDue + kDay).empty());
  EXPECT_EQ(Count("1 = 1"), 0);
}

TEST_P(StoreRemindersTest, AnsweredBeforeItIsDueGetsNone) {
  const Survey survey = ReminderSurvey();
  const int64_t answered = store_.SentInvitation(survey, "ann@example.com", kNow);
  const int64_t silent = store_.SentInvitation(survey, "bob@example.com", kNow);
  Answer(answered, kNow + kDay);
  const std::vector<ReminderClaim> claims = Claim(kDue);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims.front().invitation_id, silent);
  EXPECT_FALSE(InvitationOf(survey, answered).reminder_status.has_value());
}

TEST_P(StoreRemindersTest, AnAnswerRacingTheStepIsSeenBeforeSending) {
  const Survey survey = ReminderSurvey();
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow);
  const std::vector<ReminderClaim> claims = Claim(kDue);
  ASSERT_EQ(claims.size(), 1u);
  auto before = store_->CheckReminder(id, kDue + 1);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->kind, ReminderDecision::Kind::kDue);

  // The answer commits between the claim and the send: the step's last
  // look sees it and records the reminder as skipped, unsent.
  Answer(id, kDue + 2);
  auto after = store_->CheckReminder(id, kDue + 3);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->kind, ReminderDecision::Kind::kSkip);
  EXPECT_EQ(after->reason, "answered");
  ReminderRecord skipped = Outcome(claims.front(), ReminderRecord::Outcome::kSkipped);
  skipped.error = after->reason;
  ASSERT_TRUE(store_->RecordReminders({skipped}, kDue + 3, "w1").ok());
  const InvitationView v = InvitationOf(survey, id);
  EXPECT_EQ(v.reminder_status, ReminderStatus::kSkipped);
  EXPECT_EQ(v.reminder_error, "answered");
  EXPECT_FALSE(v.reminder_sent_at.has_value());
  EXPECT_TRUE(Claim(kDue + kDay).empty());

  // Answered while a retry waits: the next claim skips it.
  const int64_t other = store_.SentInvitation(survey, "bob@example.com", kNow + 10);
  const std::vector<ReminderClaim> second = Claim(kDue + 10);
  ASSERT_EQ(second.size(), 1u);
  ReminderRecord retry = Outcome(second.front(), ReminderRecord::Outcome::kRetry);
  retry.retry_at = kDue + 100;
  ASSERT_TRUE(store_->RecordReminders({retry}, kDue + 11, "w1").ok());
  Answer(other, kDue + 50);
  EXPECT_TRUE(Claim(kDue + 100).empty());
  EXPECT_EQ(InvitationOf(survey, other).reminder_status, ReminderStatus::kSkipped);
  EXPECT_EQ(InvitationOf(survey, other).reminder_error, "answered");
}

TEST_P(StoreRemindersTest, AnAnswerThroughTheReminderCountsOnce) {
  const Survey survey = ReminderSurvey();
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow);
  const std::vector<ReminderClaim> claims = Claim(kDue);
  ASSERT_EQ(claims.size(), 1u);
  ASSERT_TRUE(
      store_
          ->RecordReminders({Outcome(claims.front(), ReminderRecord::Outcome::kSent)},
                            kDue, "w1")
          .ok());
  // Both emails carry the invitation's links: a second answer replaces
  // the first, last answer wins.
  Answer(id, kDue + 10, 3);
  Answer(id, kDue + 20, 9);
  EXPECT_EQ(store_.backend()->QueryInt("SELECT count(*) FROM answers"), 1);
  EXPECT_EQ(store_.backend()->QueryInt("SELECT score FROM answers"), 9);
  EXPECT_TRUE(Claim(kDue + kDay).empty());

  // Reports: of the period's invitations, one reminded, answered after it;
  // one answered before its reminder was due counts as neither.
  const int64_t early = store_.SentInvitation(survey, "bob@example.com", kNow + 1);
  Answer(early, kNow + kDay);
  ReportFilter filter;
  filter.survey_id = survey.id;
  auto report = RunNpsReport(store_.get(), filter, {kNow - kDay, kNow + kDay},
                             TrendInterval::kDay, {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->current.invitations_sent, 2);
  EXPECT_EQ(report->current.invitations_answered, 2);
  EXPECT_EQ(report->current.reminders_sent, 1);
  EXPECT_EQ(report->current.answered_after_reminder, 1);
}

TEST_P(StoreRemindersTest, SuppressedAddressesAreSkippedWithTheReason) {
  const Survey survey = ReminderSurvey();
  const int64_t unsubscribed = store_.SentInvitation(survey, "ann@example.com", kNow);
  ASSERT_TRUE(store_->Unsubscribe(unsubscribed, kNow + kDay).ok());
  EXPECT_TRUE(Claim(kDue).empty());
  const InvitationView v = InvitationOf(survey, unsubscribed);
  EXPECT_EQ(v.reminder_status, ReminderStatus::kSkipped);
  EXPECT_EQ(v.reminder_error, "address unsubscribed");
  EXPECT_TRUE(Claim(kDue + kDay).empty());
}

TEST_P(StoreRemindersTest, ABounceFailsItAndSuppressesTheAddress) {
  const Survey survey = ReminderSurvey();
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow);
  const std::vector<ReminderClaim> claims = Claim(kDue);
  ASSERT_EQ(claims.size(), 1u);
  ReminderRecord bounced = Outcome(claims.front(), ReminderRecord::Outcome::kBounced);
  bounced.error = "550 no such user";
  ASSERT_TRUE(store_->RecordReminders({bounced}, kDue + 1, "w1").ok());
  EXPECT_EQ(InvitationOf(survey, id).reminder_status, ReminderStatus::kFailed);
  EXPECT_EQ(InvitationOf(survey, id).reminder_error, "550 no such user");
  EXPECT_EQ(store_.backend()->QueryInt(
                "SELECT count(*) FROM suppressions WHERE email = 'ann@example.com' "
                "AND reason = 'bounced'"),
            1);
}

TEST_P(StoreRemindersTest, RetriesWaitAndAnExpiredLeaseIsTakenOverFenced) {
  const Survey survey = ReminderSurvey();
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow);
  std::unique_ptr<Store> host_b = store_.OpenAnother();
  const std::vector<ReminderClaim> first = Claim(kDue, "host-a");
  ASSERT_EQ(first.size(), 1u);

  // Host A dies mid-send (kill -9): after its lease host B takes over,
  // with the same Message-ID and the next attempt.
  EXPECT_TRUE(Claim(kDue + 59, "host-b", host_b.get()).empty());
  const std::vector<ReminderClaim> taken = Claim(kDue + 61, "host-b", host_b.get());
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken.front().invitation_id, id);
  EXPECT_EQ(taken.front().attempts, 2);
  EXPECT_EQ(taken.front().message_id, first.front().message_id);

  // Host A's late outcome is refused; host B's retry is recorded.
  ASSERT_TRUE(
      store_
          ->RecordReminders({Outcome(first.front(), ReminderRecord::Outcome::kSent)},
                            kDue + 62, "host-a")
          .ok());
  EXPECT_EQ(InvitationOf(survey, id).reminder_status, ReminderStatus::kSending);
  ReminderRecord retry = Outcome(taken.front(), ReminderRecord::Outcome::kRetry);
  retry.retry_at = kDue + 500;
  retry.error = "421 try later";
  ASSERT_TRUE(host_b->RecordReminders({retry}, kDue + 63, "host-b").ok());
  EXPECT_EQ(InvitationOf(survey, id).reminder_status, ReminderStatus::kRetry);
  EXPECT_TRUE(Claim(kDue + 499).empty());
  const std::vector<ReminderClaim> again = Claim(kDue + 500);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again.front().attempts, 3);
}

TEST_P(StoreRemindersTest, PausedSurveysWaitAndLateOnesAreNotStarted) {
  Survey survey = ReminderSurvey();
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow);
  survey.policy.automation = false;
  ASSERT_TRUE(store_->UpdateSurvey(survey, kNow).ok());
  EXPECT_TRUE(Claim(kDue).empty());
  survey.policy.automation = true;
  survey.reminder_after_days.reset();
  ASSERT_TRUE(store_->UpdateSurvey(survey, kNow).ok());
  EXPECT_TRUE(Claim(kDue).empty());
  ASSERT_TRUE(store_->SetSurveyArchived(survey.id, true, kNow).ok());
  survey.reminder_after_days = 3;
  ASSERT_TRUE(store_->UpdateSurvey(survey, kNow).ok());
  EXPECT_TRUE(Claim(kDue).empty());
  EXPECT_EQ(Count("1 = 1"), 0);
  ASSERT_TRUE(store_->SetSurveyArchived(survey.id, false, kNow).ok());
  // Switched back on more than kReminderLateSeconds after it fell due: too
  // late to start.
  EXPECT_TRUE(Claim(kDue + kReminderLateSeconds + 1).empty());
  EXPECT_EQ(Count("1 = 1"), 0);
  // Just in time, it goes.
  const std::vector<ReminderClaim> claims = Claim(kDue + kReminderLateSeconds);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims.front().invitation_id, id);
}

TEST_P(StoreRemindersTest, ADueReminderWaitsQueuedForTheSendWindow) {
  Survey survey = ReminderSurvey();
  // kDue is Tuesday 1 December 2026, 10:00 UTC; the window opens on
  // Saturdays at 09:00 UTC.
  auto window = SendWindow::Parse(
      {{"days", {"sat"}}, {"start", "09:00"}, {"end", "17:00"}, {"time_zone", "UTC"}});
  ASSERT_TRUE(window.ok()) << window.status().message();
  survey.send_window = window->ToJson().dump();
  ASSERT_TRUE(store_->UpdateSurvey(survey, kNow).ok());
  const int64_t id = store_.SentInvitation(survey, "ann@example.com", kNow);
  constexpr int64_t kOpening = 1796461200;  // Saturday 5 December 2026, 09:00 UTC
  const int64_t send_at = window->NextSendTime(kDue, "", static_cast<uint64_t>(id));
  ASSERT_GE(send_at, kOpening);
  ASSERT_LT(send_at, kOpening + kSendWindowSpreadSeconds);

  EXPECT_TRUE(Claim(kDue).empty());
  EXPECT_EQ(InvitationOf(survey, id).reminder_status, ReminderStatus::kQueued);
  EXPECT_EQ(Count("next_attempt_at = " + std::to_string(send_at) + " AND attempts = 0"),
            1);
  // Its time moves neither with later claims nor when it is late (started).
  EXPECT_TRUE(Claim(kDue + kDay).empty());
  EXPECT_TRUE(Claim(send_at - 1).empty());
  const std::vector<ReminderClaim> claims = Claim(send_at);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims.front().attempts, 1);
  EXPECT_EQ(claims.front().due_at, kDue);
}

TEST_P(StoreRemindersTest, WorkersClaimingAtOnceRemindEachInvitationOnce) {
  const Survey survey = ReminderSurvey();
  constexpr int kCustomers = 30;
  for (int i = 0; i < kCustomers; ++i) {
    store_.Identify(survey, "c" + std::to_string(i) + "@example.com", kNow);
  }
  auto sent = store_->ClaimDueInvitations(kNow, 100, 60, "t");
  ASSERT_TRUE(sent.ok());
  std::vector<DeliveryRecord> records;
  for (const DeliveryClaim &c : *sent) {
    DeliveryRecord r;
    r.invitation_id = c.invitation_id;
    records.push_back(r);
  }
  ASSERT_TRUE(store_->RecordDeliveries(records, kNow, "t").ok());

  constexpr int kWorkers = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWorkers; ++w) stores.push_back(store_.OpenAnother());
  std::mutex mu;
  std::map<int64_t, int> claimed;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      const std::string owner = "w" + std::to_string(w);
      for (;;) {
        auto claims = stores[w]->ClaimDueReminders(kDue, 4, 60, owner);
        ASSERT_TRUE(claims.ok()) << claims.status().ToLogString();
        if (claims->empty()) return;
        std::vector<ReminderRecord> done;
        for (const ReminderClaim &c : *claims) {
          std::lock_guard<std::mutex> lock(mu);
          ++claimed[c.invitation_id];
          done.push_back(Outcome(c, ReminderRecord::Outcome::kSent));
        }
        ASSERT_TRUE(stores[w]->RecordReminders(done, kDue, owner).ok());
      }
    });
  }
  for (std::thread &t : threads) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kCustomers));
  for (const auto &[id, times] : claimed) EXPECT_EQ(times, 1) << "invitation " << id;
  EXPECT_EQ(Count("status = 'sent'"), kCustomers);
}

TEST_P(StoreRemindersTest, ErasureRetentionAndDeletionRemoveReminders) {
  Survey survey = ReminderSurvey();
  survey.retention_months = 1;
  ASSERT_TRUE(store_->UpdateSurvey(survey, kNow).ok());
  store_.SentInvitation(survey, "ann@example.com", kNow);
  const int64_t bob = store_.SentInvitation(survey, "bob@example.com", kNow);
  store_.SentInvitation(survey, "cat@example.com", kNow);
  const std::vector<ReminderClaim> claims = Claim(kDue);
  ASSERT_EQ(claims.size(), 3u);
  std::vector<ReminderRecord> sent;
  for (const ReminderClaim &c : claims) {
    sent.push_back(Outcome(c, ReminderRecord::Outcome::kSent));
  }
  ASSERT_TRUE(store_->RecordReminders(sent, kDue, "w1").ok());

  ASSERT_TRUE(store_->ErasePerson("ann@example.com", kDue + 1).ok());
  EXPECT_EQ(Count("1 = 1"), 2);

  // Bob's answer after the reminder passes its retention.
  Answer(bob, kDue + 10);
  auto expired = store_->DeleteExpiredAnswers(kDue + 40 * kDay);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 1);
  EXPECT_EQ(Count("invitation_id = " + std::to_string(bob)), 0);
  EXPECT_EQ(Count("1 = 1"), 1);

  ASSERT_TRUE(store_->SetSurveyArchived(survey.id, true, kDue + 41 * kDay).ok());
  ASSERT_TRUE(store_->DeleteSurvey(survey.id).ok());
  EXPECT_EQ(Count("1 = 1"), 0);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreRemindersTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
