// The reply step (delivery/reply_runner.h) over a real store and a
// transport that records and answers as told.
#include "delivery/reply_runner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

class ScriptedTransport : public MailTransport {
 public:
  SendResult Send(const OutgoingMail &mail) override {
    sent.push_back(mail);
    if (results.empty()) return {SendOutcome::kSent, 250, "250 OK"};
    SendResult r = results.front();
    results.erase(results.begin());
    return r;
  }
  std::vector<OutgoingMail> sent;
  std::vector<SendResult> results;
};

class ReplyRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    survey_ = store_.NewSurvey(R"({"subject":"How did we do?"})");
    invitation_ = store_.SentInvitation(survey_, "ada@example.com", kNow, "Ada");
    Answer a;
    a.score = 3;
    ASSERT_TRUE(store_->SaveAnswer(invitation_, a, false, kNow + 10).ok());
    options_.sender_address = "nps@acme.example";
    options_.sender_name = "Acme";
    options_.message_id_domain = "nps.acme.example";
    options_.lease_owner = "w1";
  }

  ReplyStepResult Step(int64_t now) {
    return RunReplyStep(
        store_.get(), &transport_, options_, [now] { return now; }, [] { return false; });
  }

  std::string MailStatus() {
    std::optional<FollowUp> f;
    std::vector<FollowUpEntry> thread;
    EXPECT_TRUE(store_->GetFollowUpItem(survey_.id, invitation_, &f, &thread).ok());
    return thread.empty() ? "" : thread.back().mail_status;
  }

  TempStore store_;
  Survey survey_;
  int64_t invitation_ = 0;
  ReplyOptions options_;
  ScriptedTransport transport_;
};

TEST_F(ReplyRunnerTest, SendsThreadedAndRetriesATemporaryFailure) {
  ASSERT_TRUE(
      store_->QueueReply(survey_.id, invitation_, "alice", "Sorry!", kNow + 20).ok());
  transport_.results.push_back({SendOutcome::kTemporaryFailure, 451, "451 try later"});
  ReplyStepResult r = Step(kNow + 20);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.retried, 1);
  EXPECT_EQ(MailStatus(), "retry");
  EXPECT_EQ(Step(kNow + 21).claimed, 0);  // not due yet

  r = Step(kNow + 20 + 7 * 3600);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(MailStatus(), "sent");
  ASSERT_EQ(transport_.sent.size(), 2u);
  const OutgoingMail &mail = transport_.sent.back();
  EXPECT_EQ(mail.recipient, "ada@example.com");
  EXPECT_EQ(mail.envelope_from, "nps@acme.example");
  EXPECT_EQ(mail.message_id, transport_.sent.front().message_id);  // the same on retries
  EXPECT_NE(mail.data.find("Subject: Re: How did we do?\r\n"), std::string::npos);
  EXPECT_NE(mail.data.find("In-Reply-To: <"), std::string::npos);
  EXPECT_EQ(Step(kNow + 30 * 86400).claimed, 0);
}

TEST_F(ReplyRunnerTest, APermanentFailureFailsAndSuppresses) {
  ASSERT_TRUE(store_->QueueReply(survey_.id, invitation_, "alice", "Hi", kNow + 20).ok());
  transport_.results.push_back({SendOutcome::kPermanentFailure, 550, "550 no such user"});
  ReplyStepResult r = Step(kNow + 20);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(MailStatus(), "failed");
  EXPECT_EQ(store_->QueueReply(survey_.id, invitation_, "alice", "Again", kNow + 30)
                .status()
                .code(),
            Status::Code::kConflict);
}

}  // namespace
}  // namespace callexa
