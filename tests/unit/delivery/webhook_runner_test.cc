#include "delivery/webhook_runner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/temp_store.h"
#include "webhooks/webhook_signature.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1796284800;

// Answers from a script, and keeps what it was sent.
class ScriptedSender : public WebhookSender {
 public:
  std::vector<WebhookPostResult> answers;
  std::vector<WebhookPost> posts;
  WebhookPostResult Post(const WebhookPost &post) override {
    posts.push_back(post);
    if (answers.empty()) {
      WebhookPostResult ok;
      ok.outcome = WebhookPostResult::Outcome::kDelivered;
      ok.http_status = 200;
      return ok;
    }
    WebhookPostResult r = answers.front();
    answers.erase(answers.begin());
    return r;
  }
};

std::string Header(const WebhookPost &post, const std::string &name) {
  for (const auto &[k, v] : post.headers) {
    if (k == name) return v;
  }
  return "";
}

class WebhookRunnerTest : public ::testing::Test {
 protected:
  Webhook Add(const std::string &format) {
    Webhook draft;
    draft.survey_id = survey_.id;
    draft.url = "https://hooks.example.com/a/secret-path";
    draft.events = {"response.created"};
    draft.format = format;
    draft.secret = NewWebhookSecret();
    auto made = store_->CreateWebhook(draft, kNow);
    EXPECT_TRUE(made.ok());
    return *made;
  }

  WebhookStepResult Step(int64_t now) {
    options_.lease_owner = "test";
    return RunWebhookStep(
        store_.get(), &sender_, options_, [now] { return now; }, [] { return false; });
  }

  TempStore store_;
  Survey survey_ = store_.NewSurvey();
  ScriptedSender sender_;
  WebhookStepOptions options_;
};

TEST_F(WebhookRunnerTest, SignsStandardEventsAndRetriesWithTheSameId) {
  const Webhook w = Add("standard");
  auto id = store_->EnqueueWebhookTest(survey_.id, w.id, kNow);
  ASSERT_TRUE(id.ok());
  WebhookPostResult fail;
  fail.outcome = WebhookPostResult::Outcome::kRetry;
  fail.http_status = 500;
  fail.error = "HTTP 500";
  sender_.answers = {fail};

  WebhookStepResult r = Step(kNow);
  EXPECT_EQ(r.claimed, 1);
  EXPECT_EQ(r.retried, 1);
  EXPECT_FALSE(r.more);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].host, "hooks.example.com");  // never the path
  EXPECT_EQ(r.problems[0].cause, "HTTP 500");
  ASSERT_EQ(sender_.posts.size(), 1u);
  const WebhookPost first = sender_.posts[0];
  EXPECT_EQ(Header(first, "webhook-id"), *id);
  EXPECT_EQ(Header(first, "webhook-timestamp"), std::to_string(kNow));
  EXPECT_EQ(Header(first, "webhook-signature"),
            *StandardSignature(w.secret, *id, kNow, first.body));

  r = Step(kNow + 10);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_TRUE(r.more);
  ASSERT_EQ(sender_.posts.size(), 2u);
  EXPECT_EQ(Header(sender_.posts[1], "webhook-id"), *id);
  EXPECT_EQ(Header(sender_.posts[1], "webhook-timestamp"), std::to_string(kNow + 10));
  EXPECT_EQ(sender_.posts[1].body, first.body);
  EXPECT_EQ(Step(kNow + 20).claimed, 0);
}

TEST_F(WebhookRunnerTest, SlackMessagesGoUnsigned) {
  const Webhook w = Add("slack");
  ASSERT_TRUE(store_->EnqueueWebhookTest(survey_.id, w.id, kNow).ok());
  EXPECT_EQ(Step(kNow).delivered, 1);
  ASSERT_EQ(sender_.posts.size(), 1u);
  EXPECT_TRUE(sender_.posts[0].headers.empty());
  EXPECT_NE(sender_.posts[0].body.find("\"blocks\""), std::string::npos);
}

}  // namespace
}  // namespace callexa
