#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "policy/webhook_retry.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;
using Outcome = WebhookAttempt::Outcome;

constexpr int64_t kNow = 1796284800;  // 2026-12-03T08:00:00Z

// The webhooks' side of the store contract, run on every backend.
class StoreWebhooksTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void SetUp() override { survey_ = store_.NewSurvey(); }

  Webhook Add(const std::string &format = "standard",
              std::vector<std::string> events = {"response.created",
                                                 "response.updated"}) {
    Webhook draft;
    draft.survey_id = survey_.id;
    draft.url = "https://hooks.example.com/" + format;
    draft.events = std::move(events);
    draft.format = format;
    draft.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    auto made = store_->CreateWebhook(draft, kNow);
    EXPECT_TRUE(made.ok()) << made.status().ToLogString();
    return made.ok() ? *made : Webhook{};
  }

  int64_t Answer(const std::string &email, int score, const std::string &comment,
                 int64_t now = kNow) {
    const int64_t id = store_.SentInvitation(survey_, email, now, "Ada");
    callexa::Answer a;
    a.score = score;
    a.comment = comment;
    EXPECT_TRUE(store_->SaveAnswer(id, a, false, now + 5).ok());
    return id;
  }

  std::vector<WebhookClaim> Claim(int64_t now, const std::string &owner = "w1",
                                  int limit = 10) {
    auto claims = store_->ClaimWebhookDeliveries(now, limit, 20, owner);
    EXPECT_TRUE(claims.ok()) << claims.status().ToLogString();
    return claims.ok() ? *claims : std::vector<WebhookClaim>{};
  }

  WebhookAttemptResult Record(const WebhookClaim &c, Outcome outcome, int64_t now,
                              const std::string &owner = "w1", int http = 0) {
    WebhookAttempt a;
    a.delivery_id = c.delivery_id;
    a.attempt = c.attempt;
    a.outcome = outcome;
    a.http_status = http;
    a.error = outcome == Outcome::kDelivered ? "" : "HTTP 500";
    a.latency_ms = 12;
    auto r = store_->RecordWebhookAttempt(a, now, owner);
    EXPECT_TRUE(r.ok()) << r.status().ToLogString();
    return r.ok() ? *r : WebhookAttemptResult{};
  }

  std::vector<WebhookDeliveryView> Log(int64_t webhook_id) {
    auto list = store_->ListWebhookDeliveries(webhook_id, kWebhookDeliveriesShown);
    EXPECT_TRUE(list.ok()) << list.status().ToLogString();
    return list.ok() ? *list : std::vector<WebhookDeliveryView>{};
  }

  TempStore store_{GetParam()};
  Survey survey_;
};

TEST_P(StoreWebhooksTest, CreateListGetRotateDelete) {
  const Webhook w = Add();
  EXPECT_GT(w.id, 0);
  auto list = store_->ListWebhooks(survey_.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].url, "https://hooks.example.com/standard");
  EXPECT_EQ((*list)[0].events,
            (std::vector<std::string>{"response.created", "response.updated"}));
  EXPECT_EQ((*list)[0].format, "standard");
  EXPECT_EQ((*list)[0].created_at, kNow);
  EXPECT_FALSE((*list)[0].disabled_at.has_value());

  auto rotated = store_->RotateWebhookSecret(survey_.id, w.id, "whsec_bmV3");
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->secret, "whsec_bmV3");
  // Another survey's id does not reach it.
  EXPECT_EQ(store_->GetWebhook(survey_.id + 1, w.id).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(store_->DeleteWebhook(survey_.id + 1, w.id).code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->DeleteWebhook(survey_.id, w.id).ok());
  EXPECT_TRUE(store_->ListWebhooks(survey_.id)->empty());
}

TEST_P(StoreWebhooksTest, ASurveyHasAtMostTenWebhooks) {
  for (int i = 0; i < kMaxWebhooksPerSurvey; ++i) Add();
  Webhook draft;
  draft.survey_id = survey_.id;
  draft.url = "https://x.example.com/";
  draft.events = {"response.created"};
  draft.format = "standard";
  draft.secret = "whsec_eA==";
  EXPECT_EQ(store_->CreateWebhook(draft, kNow).status().code(),
            Status::Code::kInvalidArgument);
  draft.survey_id = survey_.id + 100;
  EXPECT_EQ(store_->CreateWebhook(draft, kNow).status().code(), Status::Code::kNotFound);
}

TEST_P(StoreWebhooksTest, AnAnswerQueuesCreatedThenUpdatedWithItsFacts) {
  const Webhook standard = Add("standard");
  const Webhook slack = Add("slack", {"response.updated"});
  const int64_t inv = Answer("ada@example.com", 3, "");
  callexa::Answer later;
  later.score = 3;
  later.comment = "Too slow <!channel>";
  ASSERT_TRUE(store_->SaveAnswer(inv, later, false, kNow + 60).ok());

  const auto log = Log(standard.id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].type, "response.created");
  EXPECT_EQ(log[0].type, "response.updated");
  EXPECT_EQ(log[0].invitation_id, inv);
  EXPECT_EQ(log[0].status, "pending");
  EXPECT_NE(log[0].event_id, log[1].event_id);
  EXPECT_EQ(Log(slack.id).size(), 1u);

  const auto claims = Claim(kNow + 60);
  ASSERT_EQ(claims.size(), 2u);  // the oldest of each webhook
  for (const WebhookClaim &c : claims) {
    EXPECT_EQ(c.attempt, 1);
    if (c.webhook_id == standard.id) {
      EXPECT_EQ(c.type, "response.created");
      const json body = json::parse(c.payload);
      EXPECT_EQ(body["type"], "response.created");
      EXPECT_EQ(body["data"]["score"], 3);
      EXPECT_EQ(body["data"]["band"], "detractor");
      EXPECT_EQ(body["data"]["email"], "ada@example.com");
      EXPECT_EQ(body["data"]["first_name"], "Ada");
      EXPECT_EQ(body["data"]["invitation_id"], inv);
      EXPECT_EQ(c.secret, standard.secret);
      EXPECT_EQ(c.url, standard.url);
    } else {
      EXPECT_EQ(c.type, "response.updated");
      const json body = json::parse(c.payload);
      EXPECT_TRUE(body.contains("blocks"));
      EXPECT_EQ(c.payload.find("<!channel>"), std::string::npos) << c.payload;
    }
  }
}

TEST_P(StoreWebhooksTest, OneWebhooksEventsGoInOrderAndAFailureHoldsThemBack) {
  const Webhook w = Add();
  Answer("a@example.com", 9, "");
  Answer("b@example.com", 10, "");
  auto claims = Claim(kNow + 10);
  ASSERT_EQ(claims.size(), 1u);
  const WebhookClaim first = claims[0];
  // Leased: nobody else gets it, nor the event behind it.
  EXPECT_TRUE(Claim(kNow + 11, "w2").empty());
  auto r = Record(first, Outcome::kRetry, kNow + 12, "w1", 500);
  EXPECT_TRUE(r.recorded);
  EXPECT_EQ(r.state, Outcome::kRetry);
  // Waiting for its retry, it still holds back the second.
  EXPECT_TRUE(Claim(kNow + 13).empty());
  auto hook = store_->GetWebhook(survey_.id, w.id);
  EXPECT_EQ(hook->failing_since, kNow + 12);
  const int64_t retry_at = *WebhookRetryAt(1, first.created_at, kNow + 12, std::nullopt);
  claims = Claim(retry_at);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].delivery_id, first.delivery_id);
  EXPECT_EQ(claims[0].event_id, first.event_id);  // the same webhook-id
  EXPECT_EQ(claims[0].attempt, 2);
  EXPECT_TRUE(Record(claims[0], Outcome::kDelivered, retry_at, "w1", 200).recorded);
  EXPECT_FALSE(store_->GetWebhook(survey_.id, w.id)->failing_since.has_value());
  claims = Claim(retry_at);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_NE(claims[0].delivery_id, first.delivery_id);
  const auto log = Log(w.id);
  EXPECT_EQ(log[1].status, "delivered");
  EXPECT_EQ(log[1].attempts, 2);
  EXPECT_EQ(log[1].last_status, 200);
  EXPECT_EQ(log[1].latency_ms, 12);
}

TEST_P(StoreWebhooksTest, AnExpiredLeaseIsTakenOverAndTheOldOwnerIsFenced) {
  Add();
  Answer("a@example.com", 9, "");
  const auto first = Claim(kNow + 10, "w1");
  ASSERT_EQ(first.size(), 1u);
  // w1 died: after its lease another owner takes the event, attempt 2.
  const auto second = Claim(kNow + 10 + 21, "w2");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_EQ(second[0].event_id, first[0].event_id);
  EXPECT_FALSE(Record(first[0], Outcome::kDelivered, kNow + 32, "w1").recorded);
  EXPECT_TRUE(Record(second[0], Outcome::kDelivered, kNow + 33, "w2").recorded);
  EXPECT_TRUE(Claim(kNow + 100).empty());
}

TEST_P(StoreWebhooksTest, RetriesEndAfterADayAndThreeDaysOfFailuresDisable) {
  const Webhook w = Add();
  Answer("a@example.com", 9, "");
  auto claims = Claim(kNow + 10);
  ASSERT_EQ(claims.size(), 1u);
  // A 4xx fails at once.
  auto r = Record(claims[0], Outcome::kFailed, kNow + 10, "w1", 404);
  EXPECT_EQ(r.state, Outcome::kFailed);
  EXPECT_EQ(Log(w.id)[0].status, "failed");

  // A retryable answer past the day fails too.
  Answer("b@example.com", 9, "", kNow + 100);
  claims = Claim(kNow + 2 * kWebhookRetryWindowSeconds);
  ASSERT_EQ(claims.size(), 1u);
  r = Record(claims[0], Outcome::kRetry, kNow + 2 * kWebhookRetryWindowSeconds);
  EXPECT_EQ(r.state, Outcome::kFailed);
  EXPECT_FALSE(r.webhook_disabled);

  // Failing since kNow + 10: three days on, the webhook is disabled and its
  // waiting events fail with it.
  const int64_t later = kNow + 10 + kWebhookDisableAfterSeconds;
  Answer("c@example.com", 9, "", later - 50);
  Answer("d@example.com", 9, "", later - 40);
  claims = Claim(later);
  ASSERT_EQ(claims.size(), 1u);
  r = Record(claims[0], Outcome::kRetry, later);
  EXPECT_TRUE(r.webhook_disabled);
  const auto hook = store_->GetWebhook(survey_.id, w.id);
  ASSERT_TRUE(hook->disabled_at.has_value());
  EXPECT_NE(hook->disabled_reason.find("3 days"), std::string::npos);
  for (const auto &d : Log(w.id)) EXPECT_NE(d.status, "pending");
  EXPECT_TRUE(Claim(later + 100000).empty());
  // A disabled webhook takes no new events.
  Answer("e@example.com", 9, "", later + 10);
  EXPECT_EQ(Log(w.id).size(), 4u);
  // Turned on again, it starts clean and takes the next one.
  auto enabled = store_->EnableWebhook(survey_.id, w.id);
  ASSERT_TRUE(enabled.ok());
  EXPECT_FALSE(enabled->disabled_at.has_value());
  EXPECT_FALSE(enabled->failing_since.has_value());
  EXPECT_EQ(enabled->disabled_reason, "");
  Answer("f@example.com", 9, "", later + 20);
  EXPECT_EQ(Log(w.id).size(), 5u);
  EXPECT_EQ(store_->EnableWebhook(survey_.id + 1, w.id).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreWebhooksTest, ATestEventGoesThroughTheSameQueue) {
  const Webhook w = Add("standard", {"response.updated"});
  auto id = store_->EnqueueWebhookTest(survey_.id, w.id, kNow);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->rfind("msg_", 0), 0u);
  const auto claims = Claim(kNow);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].event_id, *id);
  EXPECT_EQ(claims[0].type, "webhook.test");
  EXPECT_FALSE(Log(w.id)[0].invitation_id.has_value());
  EXPECT_EQ(store_->EnqueueWebhookTest(survey_.id, w.id + 1, kNow).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreWebhooksTest, ErasureRetentionAndSurveyDeletionTakeTheEvents) {
  const Webhook w = Add();
  Answer("gone@example.com", 2, "bad");
  Answer("kept@example.com", 9, "");
  ASSERT_EQ(Log(w.id).size(), 2u);
  ASSERT_TRUE(store_->ErasePerson("gone@example.com", kNow + 100).ok());
  const auto log = Log(w.id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(store_.backend()->QueryInt(
                "SELECT count(*) FROM webhook_deliveries WHERE payload LIKE '%gone@%'"),
            0);

  ASSERT_TRUE(store_->DeleteSurvey(survey_.id).ok());
  EXPECT_EQ(store_.backend()->QueryInt("SELECT count(*) FROM webhook_deliveries"), 0);
  EXPECT_EQ(store_.backend()->QueryInt("SELECT count(*) FROM webhooks"), 0);
}

TEST_P(StoreWebhooksTest, RetentionTakesTheEventsOfExpiredAnswers) {
  Survey s = survey_;
  s.retention_months = 1;
  ASSERT_TRUE(store_->UpdateSurvey(s, kNow).ok());
  const Webhook w = Add();
  Answer("old@example.com", 5, "", kNow - 90 * 24 * 3600);
  Answer("new@example.com", 5, "");
  ASSERT_EQ(Log(w.id).size(), 2u);
  ASSERT_TRUE(store_->DeleteExpiredAnswers(kNow).ok());
  const auto log = Log(w.id);
  ASSERT_EQ(log.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreWebhooksTest, StoreBackendValues(),
                         StoreBackendName);

TEST(WebhookRetryTest, BacksOffHonoursRetryAfterAndStopsAfterADay) {
  EXPECT_EQ(WebhookRetryAt(1, kNow, kNow, std::nullopt), kNow + 10);
  EXPECT_EQ(WebhookRetryAt(2, kNow, kNow, std::nullopt), kNow + 60);
  EXPECT_EQ(WebhookRetryAt(3, kNow, kNow, std::nullopt), kNow + 600);
  EXPECT_EQ(WebhookRetryAt(4, kNow, kNow, std::nullopt), kNow + 3600);
  EXPECT_EQ(WebhookRetryAt(9, kNow, kNow, std::nullopt), kNow + 3600);
  EXPECT_EQ(WebhookRetryAt(1, kNow, kNow, 120), kNow + 120);
  EXPECT_EQ(WebhookRetryAt(1, kNow, kNow, 0), kNow + 1);
  EXPECT_EQ(WebhookRetryAt(1, kNow, kNow, 86400), kNow + 3600);
  EXPECT_EQ(
      WebhookRetryAt(5, kNow, kNow + kWebhookRetryWindowSeconds - 100, std::nullopt),
      std::nullopt);
}

}  // namespace
}  // namespace callexa
