#include <gtest/gtest.h>

#include <string>

#include "common/time_format.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// The survey pages' side of the store contract, run on every backend.
class StoreAnswersTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  CustomerView Customer(const Survey &survey, const std::string &email) {
    CustomerQuery q;
    q.survey_id = survey.id;
    q.email = email;
    auto found = store_->FindCustomers(q);
    EXPECT_TRUE(found.ok()) << found.status().message();
    return found.ok() && !found->empty() ? found->front() : CustomerView{};
  }

  TempStore store_{GetParam()};
};

TEST_P(StoreAnswersTest, LoadInvitationShowsSurveyAndRecipient) {
  const Survey survey = store_.NewSurvey(R"({"language":"de"})");
  const int64_t id = store_.SentInvitation(survey, "ada@example.com", kNow, "Ada");
  ASSERT_GT(id, 0);
  auto c = store_->LoadInvitation(id);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->invitation_id, id);
  EXPECT_EQ(c->status, InvitationStatus::kSent);
  EXPECT_EQ(c->survey_id, survey.id);
  EXPECT_EQ(c->survey_name, "NPS");
  EXPECT_EQ(c->content_json, R"({"language":"de"})");
  EXPECT_EQ(c->email, "ada@example.com");
  EXPECT_EQ(c->first_name, "Ada");
  EXPECT_FALSE(c->answer.has_value());

  auto missing = store_->LoadInvitation(id + 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_P(StoreAnswersTest, ReviewClickIsRecordedOnceForAnAnswer) {
  const Survey survey = store_.NewSurvey();
  const int64_t id = store_.SentInvitation(survey, "ada@example.com", kNow);
  const Status before = store_->RecordReviewClick(id, kNow);
  EXPECT_EQ(before.code(), Status::Code::kNotFound);  // no answer yet
  Answer a;
  a.score = 10;
  ASSERT_TRUE(store_->SaveAnswer(id, a, false, kNow + 10).ok());
  ASSERT_TRUE(store_->RecordReviewClick(id, kNow + 20).ok());
  ASSERT_TRUE(store_->RecordReviewClick(id, kNow + 30).ok());  // the first counts
  ReportFilter filter;
  filter.survey_id = survey.id;
  ReportSpans spans;
  spans.period = {kNow, kNow + 100};
  spans.previous = {kNow - 100, kNow};
  auto counts = store_->CountReport(filter, spans);
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->period.review_clicks, 1);
  EXPECT_EQ(store_->RecordReviewClick(id + 100, kNow).code(), Status::Code::kNotFound);
}

TEST_P(StoreAnswersTest, LastAnswerWinsAndKeepsCreatedAt) {
  const Survey survey = store_.NewSurvey();
  const int64_t id = store_.SentInvitation(survey, "ada@example.com", kNow);
  Answer first;
  first.score = 9;
  first.comment = "great";
  first.tag_ratings = {{"Support", 5}, {"Price", 3}};
  first.extra_answers = {{"feature", "dark mode"}};
  first.consent = true;
  ASSERT_TRUE(store_->SaveAnswer(id, first, false, kNow + 10).ok());
  auto c = store_->LoadInvitation(id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, InvitationStatus::kAnswered);
  ASSERT_TRUE(c->answer.has_value());
  EXPECT_EQ(c->answer->answer.score, 9);
  EXPECT_EQ(c->answer->answer.comment, "great");
  EXPECT_EQ(c->answer->answer.tag_ratings, first.tag_ratings);
  EXPECT_EQ(c->answer->answer.extra_answers, first.extra_answers);
  EXPECT_TRUE(c->answer->answer.consent);
  EXPECT_EQ(c->answer->created_at, kNow + 10);
  const int64_t seq1 = c->answer->change_seq;

  Answer second;
  second.score = 4;
  second.comment = "changed my mind";
  ASSERT_TRUE(store_->SaveAnswer(id, second, false, kNow + 20).ok());
  c = store_->LoadInvitation(id);
  ASSERT_TRUE(c.ok() && c->answer.has_value());
  EXPECT_EQ(c->answer->answer.score, 4);
  EXPECT_EQ(c->answer->answer.comment, "changed my mind");
  EXPECT_TRUE(c->answer->answer.tag_ratings.empty());
  EXPECT_FALSE(c->answer->answer.consent);
  EXPECT_EQ(c->answer->created_at, kNow + 10);
  EXPECT_EQ(c->answer->answered_at, kNow + 20);
  EXPECT_GT(c->answer->change_seq, seq1);

  ResponseQuery q;
  q.survey_id = survey.id;
  auto responses = store_->ListResponses(q);
  ASSERT_TRUE(responses.ok());
  EXPECT_EQ(responses->size(), 1u);
}

TEST_P(StoreAnswersTest, ScoreOnlyKeepsTheRestOfTheAnswer) {
  const Survey survey = store_.NewSurvey();
  const int64_t id = store_.SentInvitation(survey, "ada@example.com", kNow);
  Answer score;
  score.score = 7;
  ASSERT_TRUE(store_->SaveAnswer(id, score, true, kNow + 1).ok());
  Answer full;
  full.score = 8;
  full.comment = "fine";
  full.tag_ratings = {{"Support", 4}};
  ASSERT_TRUE(store_->SaveAnswer(id, full, false, kNow + 2).ok());
  score.score = 10;
  ASSERT_TRUE(store_->SaveAnswer(id, score, true, kNow + 3).ok());
  auto c = store_->LoadInvitation(id);
  ASSERT_TRUE(c.ok() && c->answer.has_value());
  EXPECT_EQ(c->answer->answer.score, 10);
  EXPECT_EQ(c->answer->answer.comment, "fine");
  EXPECT_EQ(c->answer->answer.tag_ratings.at("Support"), 4);
  EXPECT_EQ(c->answer->created_at, kNow + 1);
  EXPECT_EQ(c->answer->answered_at, kNow + 3);
}

TEST_P(StoreAnswersTest, ChangeSeqGrowsAcrossInvitations) {
  const Survey survey = store_.NewSurvey();
  const int64_t a = store_.SentInvitation(survey, "a@example.com", kNow);
  const int64_t b = store_.SentInvitation(survey, "b@example.com", kNow);
  Answer answer;
  ASSERT_TRUE(store_->SaveAnswer(a, answer, false, kNow).ok());
  ASSERT_TRUE(store_->SaveAnswer(b, answer, false, kNow).ok());
  ASSERT_TRUE(store_->SaveAnswer(a, answer, true, kNow).ok());
  auto la = store_->LoadInvitation(a);
  auto lb = store_->LoadInvitation(b);
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_EQ(lb->answer->change_seq, 2);
  EXPECT_EQ(la->answer->change_seq, 3);
}

TEST_P(StoreAnswersTest, AnswerToUnknownInvitationIsNotFoundAndNothingChanges) {
  const Survey survey = store_.NewSurvey();
  const int64_t id = store_.SentInvitation(survey, "a@example.com", kNow);
  Status s = store_->SaveAnswer(id + 1, Answer{}, false, kNow);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  ASSERT_TRUE(store_->SaveAnswer(id, Answer{}, false, kNow).ok());
  auto c = store_->LoadInvitation(id);
  ASSERT_TRUE(c.ok() && c->answer.has_value());
  EXPECT_EQ(c->answer->change_seq, 1);  // the failed call used none
}

TEST_P(StoreAnswersTest, AnswerStopsFurtherDeliveryAttempts) {
  const Survey survey = store_.NewSurvey();
  store_.Identify(survey, "a@example.com", kNow);
  auto claims = store_->ClaimDueInvitations(kNow, 10, 60, "w1");
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 1u);
  const int64_t id = claims->front().invitation_id;
  DeliveryRecord retry;
  retry.invitation_id = id;
  retry.outcome = DeliveryRecord::Outcome::kRetry;
  retry.retry_at = kNow + 60;
  ASSERT_TRUE(store_->RecordDeliveries({retry}, kNow, "w1").ok());
  // The first attempt did reach the person after all.
  ASSERT_TRUE(store_->SaveAnswer(id, Answer{}, false, kNow + 30).ok());
  claims = store_->ClaimDueInvitations(kNow + 120, 10, 60, "w1");
  ASSERT_TRUE(claims.ok());
  EXPECT_TRUE(claims->empty());
  EXPECT_EQ(Customer(survey, "a@example.com").state, "answered");
}

TEST_P(StoreAnswersTest, UnsubscribeSuppressesTheAddressEverywhere) {
  const Survey one = store_.NewSurvey();
  const Survey two = store_.NewSurvey("{}", /*min_delay_days=*/3);
  const Survey three = store_.NewSurvey();
  const int64_t id = store_.SentInvitation(one, "ada@example.com", kNow);
  store_.Identify(two, "ada@example.com", kNow);  // scheduled in 3 days
  store_.Identify(three, "ada@example.com", kNow);
  // Survey three's invitation is queued and retrying, not yet delivered.
  auto claims = store_->ClaimDueInvitations(kNow, 10, 60, "w1");
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 1u);
  DeliveryRecord retry;
  retry.invitation_id = claims->front().invitation_id;
  retry.outcome = DeliveryRecord::Outcome::kRetry;
  retry.retry_at = kNow + 60;
  ASSERT_TRUE(store_->RecordDeliveries({retry}, kNow, "w1").ok());

  ASSERT_TRUE(store_->Unsubscribe(id, kNow + 5).ok());
  ASSERT_TRUE(store_->Unsubscribe(id, kNow + 6).ok());  // idempotent

  const CustomerView c2 = Customer(two, "ada@example.com");
  EXPECT_FALSE(c2.due_at.has_value());
  EXPECT_EQ(c2.state, "ignored");
  EXPECT_EQ(c2.reason, "unsubscribed");
  const CustomerView c3 = Customer(three, "ada@example.com");
  ASSERT_FALSE(c3.invitations.empty());
  EXPECT_EQ(c3.state, "suppressed");
  EXPECT_EQ(c3.invitations.front().last_error, "address unsubscribed");
  claims = store_->ClaimDueInvitations(kNow + 10 * kSecondsPerDay, 10, 60, "w1");
  ASSERT_TRUE(claims.ok());
  EXPECT_TRUE(claims->empty());

  // A new identify in any survey creates nothing.
  store_.Identify(one, "ADA@example.com", kNow + 400 * kSecondsPerDay);
  const CustomerView c1 = Customer(one, "ada@example.com");
  EXPECT_EQ(c1.reason, "unsubscribed");
  EXPECT_FALSE(c1.due_at.has_value());
  EXPECT_EQ(c1.state, "sent");  // the invitation that was sent stays

  EXPECT_EQ(store_->Unsubscribe(id + 100, kNow).code(), Status::Code::kNotFound);
}

TEST_P(StoreAnswersTest, ListResponsesFiltersAndPages) {
  const Survey survey = store_.NewSurvey();
  const Survey other = store_.NewSurvey();
  int64_t ids[3];
  for (int i = 0; i < 3; ++i) {
    ids[i] = store_.SentInvitation(survey, "p" + std::to_string(i) + "@example.com", kNow,
                                   "P" + std::to_string(i));
    Answer a;
    a.score = 8 + i;
    ASSERT_TRUE(store_->SaveAnswer(ids[i], a, false, kNow + 100 * i).ok());
  }
  const int64_t foreign = store_.SentInvitation(other, "x@example.com", kNow);
  ASSERT_TRUE(store_->SaveAnswer(foreign, Answer{}, false, kNow).ok());

  ResponseQuery q;
  q.survey_id = survey.id;
  auto all = store_->ListResponses(q);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].invitation_id, ids[2]);  // newest first
  EXPECT_EQ((*all)[0].email, "p2@example.com");
  EXPECT_EQ((*all)[0].first_name, "P2");
  EXPECT_EQ((*all)[0].answer.answer.score, 10);

  q.from = kNow + 100;
  q.to = kNow + 200;
  auto window = store_->ListResponses(q);
  ASSERT_TRUE(window.ok());
  ASSERT_EQ(window->size(), 1u);
  EXPECT_EQ(window->front().invitation_id, ids[1]);

  q = ResponseQuery{};
  q.survey_id = survey.id;
  q.limit = 1;
  q.offset = 1;
  auto page = store_->ListResponses(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().invitation_id, ids[1]);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreAnswersTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
