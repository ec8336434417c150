#include <gtest/gtest.h>

#include <string>

#include "testing/sync_fixture.h"

namespace callexa {
namespace {

using Outcome = SyncStepRecord::Outcome;

// The sync-back side of the store contract, run on every backend.
class StoreSyncTest : public SyncContractFixture {
 protected:
  std::optional<SyncWork> Claim(const std::string &owner = "w1", int64_t now = kNow,
                                int limit = 100) {
    auto got = store_->ClaimSyncWork(now, owner, 60, limit);
    EXPECT_TRUE(got.ok()) << got.status().message();
    return got.ok() ? *got : std::nullopt;
  }

  SyncStatus Status(int64_t survey_id) {
    auto got = store_->GetSyncStatus(survey_id);
    EXPECT_TRUE(got.ok()) << got.status().message();
    return got.ok() ? *got : SyncStatus{};
  }

  void Finish(const SyncStepRecord &r, const std::string &owner = "w1",
              int64_t now = kNow) {
    auto s = store_->FinishSyncStep(r, owner, now);
    EXPECT_TRUE(s.ok()) << s.message();
  }
};

TEST_P(StoreSyncTest, NothingDueWithoutWriteKey) {
  const int64_t survey = NewSurvey("");
  AnsweredCustomer(survey, "u1", 9);
  EXPECT_FALSE(Claim());
  const SyncStatus st = Status(survey);
  EXPECT_FALSE(st.enabled);
  EXPECT_EQ(st.pending, 1);
}

TEST_P(StoreSyncTest, ClaimLoadsEachCustomersLatestAnswerInChangeOrder) {
  const int64_t survey = NewSurvey();
  const int64_t a = AnsweredCustomer(survey, "alice", 3, "meh", kNow - 100);
  AnsweredCustomer(survey, "bob", 10, "great", kNow - 50);
  // Alice answers a second survey invitation later: only that one counts.
  const int64_t alice =
      QueryInt("SELECT customer_id FROM invitations WHERE id = " + std::to_string(a));
  const int64_t a2 = AddInvitation(survey, alice);
  Answer(a2, 8, "better now", kNow - 10);

  auto work = Claim();
  ASSERT_TRUE(work);
  EXPECT_EQ(work->survey_id, survey);
  EXPECT_EQ(work->write_key, "wk_test");
  EXPECT_TRUE(work->run_started);
  EXPECT_EQ(work->pending, 2);
  ASSERT_EQ(work->items.size(), 2u);
  EXPECT_EQ(work->items[0].user_id, "bob");
  EXPECT_EQ(work->items[0].score, 10);
  EXPECT_EQ(work->items[1].invitation_id, a2);
  EXPECT_EQ(work->items[1].score, 8);
  EXPECT_EQ(work->items[1].comment, "better now");
  EXPECT_EQ(work->items[1].answered_at, kNow - 10);
  EXPECT_LT(work->items[0].change_seq, work->items[1].change_seq);
}

TEST_P(StoreSyncTest, LeaseKeepsOtherOwnersOutUntilReleasedOrExpired) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  ASSERT_TRUE(Claim("w1"));
  EXPECT_FALSE(Claim("w2"));             // leased for 60 s
  EXPECT_TRUE(Claim("w2", kNow + 61));   // expired: a crashed owner's work comes back
  EXPECT_FALSE(Claim("w1", kNow + 62));  // now w2's
  SyncStepRecord r;
  r.survey_id = survey;
  r.outcome = Outcome::kInterrupted;
  Finish(r, "w2", kNow + 62);
  EXPECT_TRUE(Claim("w1", kNow + 62));  // released
}

TEST_P(StoreSyncTest, SentBatchMovesCursorAndCountersTogether) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  AnsweredCustomer(survey, "u2", 7);
  AnsweredCustomer(survey, "u3", 0);
  auto work = Claim("w1", kNow, 2);
  ASSERT_TRUE(work);
  ASSERT_EQ(work->items.size(), 2u);

  SyncStepRecord r;
  r.survey_id = survey;
  r.cursor_seq = work->items[1].change_seq;
  r.messages_sent = 2;
  r.requests_made = 1;
  r.next_run_at = kNow + 86400;
  Finish(r);
  SyncStatus st = Status(survey);
  EXPECT_EQ(st.cursor_seq, work->items[1].change_seq);
  EXPECT_EQ(st.messages_sent, 2);
  EXPECT_EQ(st.requests_made, 1);
  EXPECT_EQ(st.pending, 1);
  EXPECT_TRUE(st.running);
  EXPECT_EQ(st.next_run_at, kNow);  // more to do: still due
  EXPECT_FALSE(st.last_success_at);

  work = Claim("w1", kNow + 1);
  ASSERT_TRUE(work);
  EXPECT_FALSE(work->run_started);  // the same run goes on
  ASSERT_EQ(work->items.size(), 1u);
  EXPECT_EQ(work->items[0].user_id, "u3");
  r.cursor_seq = work->items[0].change_seq;
  r.messages_sent = 1;
  r.run_complete = true;
  Finish(r, "w1", kNow + 1);
  st = Status(survey);
  EXPECT_EQ(st.messages_sent, 3);
  EXPECT_EQ(st.requests_made, 2);
  EXPECT_EQ(st.pending, 0);
  EXPECT_FALSE(st.running);
  EXPECT_EQ(st.last_success_at, kNow + 1);
  EXPECT_EQ(st.last_run_started_at, kNow);
  EXPECT_EQ(st.last_run_finished_at, kNow + 1);
  EXPECT_EQ(st.next_run_at, kNow + 86400);
  EXPECT_FALSE(Claim("w1", kNow + 2));  // not due until the next interval
  EXPECT_TRUE(Claim("w1", kNow + 86400));
}

TEST_P(StoreSyncTest, RetryKeepsCursorAndCountsFailures) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  auto work = Claim();
  ASSERT_TRUE(work);
  SyncStepRecord r;
  r.survey_id = survey;
  r.outcome = Outcome::kRetry;
  r.cursor_seq = work->items[0].change_seq;  // ignored unless sent
  r.requests_made = 1;
  r.next_run_at = kNow + 30;
  r.error = "HTTP 500 from Segment";
  Finish(r);
  Finish(r);  // a second failure (the lease is already released: harmless)
  SyncStatus st = Status(survey);
  EXPECT_EQ(st.cursor_seq, 0);
  EXPECT_EQ(st.failures, 2);
  EXPECT_EQ(st.last_error, "HTTP 500 from Segment");
  EXPECT_EQ(st.next_run_at, kNow + 30);
  EXPECT_TRUE(st.running);
  EXPECT_FALSE(Claim("w1", kNow + 29));
  work = Claim("w1", kNow + 30);
  ASSERT_TRUE(work);
  EXPECT_EQ(work->failures, 2);
  EXPECT_FALSE(work->run_started);
}

TEST_P(StoreSyncTest, RejectedEndsTheRunAndKeepsTheCursor) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  ASSERT_TRUE(Claim());
  SyncStepRecord r;
  r.survey_id = survey;
  r.outcome = Outcome::kRejected;
  r.requests_made = 1;
  r.next_run_at = kNow + 86400;
  r.error = "HTTP 401 from Segment: bad key";
  Finish(r);
  const SyncStatus st = Status(survey);
  EXPECT_EQ(st.cursor_seq, 0);
  EXPECT_EQ(st.pending, 1);
  EXPECT_FALSE(st.running);
  EXPECT_EQ(st.last_error, "HTTP 401 from Segment: bad key");
  EXPECT_EQ(st.failures, 0);
  EXPECT_FALSE(Claim("w1", kNow + 1));
}

TEST_P(StoreSyncTest, RequestedRunIsDueAtOnceAndClearedByTheClaim) {
  const int64_t survey = NewSurvey();
  ASSERT_TRUE(Claim());  // nothing pending: complete at once
  SyncStepRecord r;
  r.survey_id = survey;
  r.run_complete = true;
  r.next_run_at = kNow + 86400;
  Finish(r);
  EXPECT_FALSE(Claim("w1", kNow + 10));

  ASSERT_TRUE(store_->RequestSyncRun(survey).ok());
  EXPECT_TRUE(Status(survey).run_requested);
  auto work = Claim("w1", kNow + 10);
  ASSERT_TRUE(work);
  EXPECT_TRUE(work->run_started);
  EXPECT_FALSE(Status(survey).run_requested);
  EXPECT_EQ(Status(survey).last_run_started_at, kNow + 10);
}

TEST_P(StoreSyncTest, InterruptedRequestedRunStaysDueAndRecordsNothing) {
  const int64_t survey = NewSurvey();
  ASSERT_TRUE(Claim());  // nothing pending: complete, next run in a day
  SyncStepRecord done;
  done.survey_id = survey;
  done.run_complete = true;
  done.next_run_at = kNow + 86400;
  Finish(done);
  AnsweredCustomer(survey, "u1", 9);
  ASSERT_TRUE(store_->RequestSyncRun(survey).ok());
  ASSERT_TRUE(Claim("w1", kNow + 10));

  SyncStepRecord r;  // nginx -s quit during the transfer
  r.survey_id = survey;
  r.outcome = Outcome::kInterrupted;
  Finish(r, "w1", kNow + 11);
  const SyncStatus st = Status(survey);
  EXPECT_EQ(st.messages_sent, 0);
  EXPECT_EQ(st.requests_made, 0);
  EXPECT_EQ(st.pending, 1);
  auto again = Claim("w2", kNow + 12);  // the next worker, at once
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->run_started);  // the same run goes on
  EXPECT_EQ(again->items.size(), 1u);
}

TEST_P(StoreSyncTest, StatusOfUnknownSurveyIsNotFound) {
  auto st = store_->GetSyncStatus(42);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), Status::Code::kNotFound);
}

TEST_P(StoreSyncTest, MostOverdueSurveyFirst) {
  const int64_t s1 = NewSurvey();
  const int64_t s2 = NewSurvey();
  for (int i = 0; i < 2; ++i) {
    auto work = Claim();
    ASSERT_TRUE(work);
    SyncStepRecord r;
    r.survey_id = work->survey_id;
    r.run_complete = true;
    r.next_run_at = work->survey_id == s1 ? kNow + 200 : kNow + 100;
    Finish(r);
  }
  auto work = Claim("w1", kNow + 300);
  ASSERT_TRUE(work);
  EXPECT_EQ(work->survey_id, s2);
}

TEST_P(StoreSyncTest, MetricsCountInvitationsAnswersSuppressionsAndSync) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  AnsweredCustomer(survey, "u2", 4);
  Exec(
      "INSERT INTO suppressions (email, reason, created_at) VALUES "
      "('a@example.com', 'bounced', 0), ('b@example.com', 'unsubscribed', 0), "
      "('c@example.com', 'bounced', 0)");
  Exec("UPDATE customers SET pending_due_at = 5 WHERE user_id = 'u1'");
  auto m = store_->ReadMetrics(kNow);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->invitations.size(), 2u);
  EXPECT_EQ(m->invitations[0].label, "scheduled");
  EXPECT_EQ(m->invitations[0].value, 1);
  EXPECT_EQ(m->invitations[1].label, "sent");
  EXPECT_EQ(m->invitations[1].value, 2);
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(m->answers[0].value, 2);
  ASSERT_EQ(m->suppressions.size(), 2u);
  EXPECT_EQ(m->suppressions[0].label, "bounced");
  EXPECT_EQ(m->suppressions[0].value, 2);
  ASSERT_EQ(m->sync.size(), 1u);
  EXPECT_EQ(m->sync[0].survey_id, survey);
  EXPECT_EQ(m->sync[0].pending, 2);
  EXPECT_FALSE(m->sync[0].last_success_at);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreSyncTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
