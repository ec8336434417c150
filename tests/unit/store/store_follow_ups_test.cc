#include <gtest/gtest.h>

#include <string>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// The follow-up inbox and the reply outbox: the store contract, run on
// every backend.
class StoreFollowUpsTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  // An answered invitation of `survey`.
  int64_t Answered(const Survey &survey, const std::string &email, int score,
                   int64_t at) {
    const int64_t invitation = store_.SentInvitation(survey, email, at);
    EXPECT_NE(invitation, 0);
    Answer a;
    a.score = score;
    a.comment = "about " + email;
    a.tag_ratings = {{"Support", 2}};
    EXPECT_TRUE(store_->SaveAnswer(invitation, a, false, at + 10).ok());
    return invitation;
  }

  std::vector<FollowUpEntry> Thread(int64_t survey_id, int64_t invitation) {
    std::optional<FollowUp> f;
    std::vector<FollowUpEntry> thread;
    auto item = store_->GetFollowUpItem(survey_id, invitation, &f, &thread);
    EXPECT_TRUE(item.ok()) << item.status().message();
    return thread;
  }

  TempStore store_{GetParam()};
};

TEST_P(StoreFollowUpsTest, OpenAssignNoteCloseRecordsWhoDidWhat) {
  const Survey s = store_.NewSurvey();
  const int64_t inv = Answered(s, "ada@example.com", 3, kNow);

  std::optional<FollowUp> none;
  std::vector<FollowUpEntry> thread;
  auto item = store_->GetFollowUpItem(s.id, inv, &none, &thread);
  ASSERT_TRUE(item.ok()) << item.status().message();
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(item->email, "ada@example.com");
  EXPECT_EQ(item->answer.answer.score, 3);
  EXPECT_EQ(item->answer.answer.tag_ratings.at("Support"), 2);

  FollowUpChange change;
  change.assignee = "bob";
  change.actor = "alice";
  auto f = store_->UpdateFollowUp(s.id, inv, change, kNow + 100);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->status, "open");
  EXPECT_EQ(f->assignee, "bob");
  EXPECT_EQ(f->opened_by, "alice");
  EXPECT_EQ(f->opened_at, kNow + 100);

  auto note = store_->AddFollowUpNote(s.id, inv, "bob", "Called her", kNow + 200);
  ASSERT_TRUE(note.ok()) << note.status().message();
  EXPECT_EQ(note->kind, "note");

  FollowUpChange close;
  close.status = "closed";
  close.actor = "bob";
  f = store_->UpdateFollowUp(s.id, inv, close, kNow + 400);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->status, "closed");
  EXPECT_EQ(f->closed_at, std::optional<int64_t>(kNow + 400));
  // The same status again records nothing.
  ASSERT_TRUE(store_->UpdateFollowUp(s.id, inv, close, kNow + 500).ok());

  thread = Thread(s.id, inv);
  ASSERT_EQ(thread.size(), 4u);
  EXPECT_EQ(thread[0].kind, "status");
  EXPECT_EQ(thread[0].text, "open");
  EXPECT_EQ(thread[0].actor, "alice");
  EXPECT_EQ(thread[1].kind, "assignee");
  EXPECT_EQ(thread[1].text, "bob");
  EXPECT_EQ(thread[2].text, "Called her");
  EXPECT_EQ(thread[2].actor, "bob");
  EXPECT_EQ(thread[3].kind, "status");
  EXPECT_EQ(thread[3].text, "closed");

  // Reopening clears closed_at.
  FollowUpChange reopen;
  reopen.status = "open";
  f = store_->UpdateFollowUp(s.id, inv, reopen, kNow + 600);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->closed_at.has_value());

  // Not an answer of this survey.
  const Survey other = store_.NewSurvey();
  EXPECT_EQ(store_->UpdateFollowUp(other.id, inv, change, kNow).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(store_->AddFollowUpNote(s.id, 9999, "a", "x", kNow).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreFollowUpsTest, ListsOpenDetractorsFirstThenNewestAndFilters) {
  const Survey s = store_.NewSurvey();
  const int64_t promoter = Answered(s, "pro@example.com", 10, kNow + 300);
  const int64_t old_detractor = Answered(s, "old@example.com", 2, kNow);
  const int64_t new_detractor = Answered(s, "new@example.com", 5, kNow + 100);
  const int64_t closed = Answered(s, "done@example.com", 0, kNow + 400);
  Answered(s, "none@example.com", 1, kNow + 500);  // no follow-up
  FollowUpChange open;
  open.status = "open";
  open.actor = "alice";
  for (int64_t inv : {promoter, old_detractor, new_detractor, closed}) {
    ASSERT_TRUE(store_->UpdateFollowUp(s.id, inv, open, kNow + 1000).ok());
  }
  FollowUpChange close;
  close.status = "closed";
  ASSERT_TRUE(store_->UpdateFollowUp(s.id, closed, close, kNow + 1100).ok());

  FollowUpQuery q;
  q.survey_id = s.id;
  auto all = store_->ListFollowUps(q);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].follow_up.invitation_id, new_detractor);
  EXPECT_EQ((*all)[1].follow_up.invitation_id, old_detractor);
  EXPECT_EQ((*all)[2].follow_up.invitation_id, promoter);
  EXPECT_EQ((*all)[3].follow_up.invitation_id, closed);
  EXPECT_EQ((*all)[0].email, "new@example.com");
  EXPECT_EQ((*all)[0].answer.answer.comment, "about new@example.com");

  q.status = "closed";
  auto closed_only = store_->ListFollowUps(q);
  ASSERT_TRUE(closed_only.ok());
  ASSERT_EQ(closed_only->size(), 1u);
  EXPECT_EQ((*closed_only)[0].follow_up.status, "closed");
  q.status = "open";
  EXPECT_EQ(store_->ListFollowUps(q)->size(), 3u);

  auto some = store_->GetFollowUps(s.id, {promoter, closed});
  ASSERT_TRUE(some.ok()) << some.status().message();
  ASSERT_EQ(some->size(), 2u);
  EXPECT_EQ(some->at(closed).status, "closed");
  EXPECT_EQ(some->at(promoter).status, "open");
}

TEST_P(StoreFollowUpsTest, SummaryCountsOpenAndTheMedianTimeToClose) {
  const Survey s = store_.NewSurvey();
  FollowUpChange open, close;
  open.status = "open";
  close.status = "closed";
  const int64_t durations[] = {100, 300, 200, 1000};
  int i = 0;
  for (int64_t d : durations) {
    const int64_t inv = Answered(s, "p" + std::to_string(i++) + "@example.com", 4, kNow);
    ASSERT_TRUE(store_->UpdateFollowUp(s.id, inv, open, kNow + 100).ok());
    ASSERT_TRUE(store_->UpdateFollowUp(s.id, inv, close, kNow + 100 + d).ok());
  }
  const int64_t still_open = Answered(s, "open@example.com", 1, kNow);
  ASSERT_TRUE(store_->UpdateFollowUp(s.id, still_open, open, kNow + 100).ok());

  auto sum = store_->SummarizeFollowUps(s.id, kNow, kNow + 86400);
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  EXPECT_EQ(sum->open, 1);
  EXPECT_EQ(sum->closed_in_period, 4);
  EXPECT_EQ(sum->median_seconds_to_close, std::optional<int64_t>(250));
  // Only those closed in the period: 100, 200 and 300 end before +450.
  sum = store_->SummarizeFollowUps(s.id, kNow, kNow + 450);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->median_seconds_to_close, std::optional<int64_t>(200));
  sum = store_->SummarizeFollowUps(s.id, kNow - 10, kNow);
  ASSERT_TRUE(sum.ok());
  EXPECT_FALSE(sum->median_seconds_to_close.has_value());
}

TEST_P(StoreFollowUpsTest, RepliesAreLeasedFencedAndRecorded) {
  const Survey s = store_.NewSurvey();
  const int64_t inv = Answered(s, "ada@example.com", 2, kNow);
  auto reply = store_->QueueReply(s.id, inv, "alice", "Sorry about that", kNow + 100);
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_EQ(reply->mail_status, "pending");

  auto claims = store_->ClaimDueReplies(kNow + 100, 10, 60, "w1");
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  ASSERT_EQ(claims->size(), 1u);
  const ReplyClaim c = (*claims)[0];
  EXPECT_EQ(c.entry_id, reply->id);
  EXPECT_EQ(c.email, "ada@example.com");
  EXPECT_EQ(c.text, "Sorry about that");
  EXPECT_EQ(c.attempts, 1);
  EXPECT_FALSE(c.message_id.empty());
  EXPECT_FALSE(c.survey_message_id.empty());
  // Leased: nobody else gets it until the lease runs out.
  EXPECT_TRUE(store_->ClaimDueReplies(kNow + 120, 10, 60, "w2")->empty());
  auto taken = store_->ClaimDueReplies(kNow + 161, 10, 60, "w2");
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].attempts, 2);
  EXPECT_EQ((*taken)[0].message_id, c.message_id);

  // The first owner lost it: its record is dropped.
  DeliveryRecord stale;
  stale.invitation_id = c.entry_id;
  stale.attempt = 1;
  stale.outcome = DeliveryRecord::Outcome::kSent;
  ASSERT_TRUE(store_->RecordReplies({stale}, kNow + 170, "w1").ok());
  EXPECT_EQ(Thread(s.id, inv).back().mail_status, "pending");

  DeliveryRecord retry = stale;
  retry.attempt = 2;
  retry.outcome = DeliveryRecord::Outcome::kRetry;
  retry.retry_at = kNow + 500;
  retry.error = "451 try later";
  ASSERT_TRUE(store_->RecordReplies({retry}, kNow + 170, "w2").ok());
  FollowUpEntry e = Thread(s.id, inv).back();
  EXPECT_EQ(e.mail_status, "retry");
  EXPECT_EQ(e.last_error, "451 try later");
  EXPECT_TRUE(store_->ClaimDueReplies(kNow + 499, 10, 60, "w3")->empty());
  claims = store_->ClaimDueReplies(kNow + 500, 10, 60, "w3");
  ASSERT_EQ(claims->size(), 1u);
  DeliveryRecord sent = retry;
  sent.attempt = 3;
  sent.outcome = DeliveryRecord::Outcome::kSent;
  sent.error = "";
  ASSERT_TRUE(store_->RecordReplies({sent}, kNow + 510, "w3").ok());
  e = Thread(s.id, inv).back();
  EXPECT_EQ(e.mail_status, "sent");
  EXPECT_EQ(e.sent_at, std::optional<int64_t>(kNow + 510));
  EXPECT_EQ(e.actor, "alice");
  EXPECT_TRUE(store_->ClaimDueReplies(kNow + 10000, 10, 60, "w4")->empty());
}

TEST_P(StoreFollowUpsTest, NoReplyToASuppressedAddress) {
  const Survey s = store_.NewSurvey();
  const int64_t inv = Answered(s, "ada@example.com", 2, kNow);
  ASSERT_TRUE(store_->Unsubscribe(inv, kNow + 50).ok());
  auto reply = store_->QueueReply(s.id, inv, "alice", "Hello", kNow + 100);
  EXPECT_EQ(reply.status().code(), Status::Code::kConflict);
  EXPECT_NE(reply.status().message().find("unsubscribed"), std::string::npos);
  EXPECT_TRUE(Thread(s.id, inv).empty());
}

TEST_P(StoreFollowUpsTest, ErasureRetentionAndDeletionRemoveFollowUps) {
  const Survey s = store_.NewSurvey();
  const int64_t ada = Answered(s, "ada@example.com", 2, kNow);
  const int64_t bob = Answered(s, "bob@example.com", 3, kNow);
  ASSERT_TRUE(store_->AddFollowUpNote(s.id, ada, "alice", "note", kNow + 10).ok());
  ASSERT_TRUE(store_->QueueReply(s.id, ada, "alice", "reply", kNow + 10).ok());
  ASSERT_TRUE(store_->AddFollowUpNote(s.id, bob, "alice", "note", kNow + 10).ok());

  ASSERT_TRUE(store_->ErasePerson("ada@example.com", kNow + 20).ok());
  FollowUpQuery q;
  q.survey_id = s.id;
  auto left = store_->ListFollowUps(q);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].follow_up.invitation_id, bob);
  EXPECT_TRUE(store_->ClaimDueReplies(kNow + 100, 10, 60, "w")->empty());

  // Retention: a survey keeping answers one month drops bob's with them.
  Survey kept = *store_->GetSurvey(s.id);
  kept.retention_months = 1;
  ASSERT_TRUE(store_->UpdateSurvey(kept, kNow).ok());
  ASSERT_TRUE(store_->DeleteExpiredAnswers(kNow + 40 * 86400).ok());
  EXPECT_TRUE(store_->ListFollowUps(q)->empty());

  const int64_t cy = Answered(s, "cy@example.com", 1, kNow + 50 * 86400);
  ASSERT_TRUE(store_->AddFollowUpNote(s.id, cy, "alice", "note", kNow + 50 * 86400).ok());
  auto deleted = store_->DeleteSurvey(s.id);
  ASSERT_TRUE(deleted.ok()) << deleted.status().message();
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreFollowUpsTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
