#include "alerts/alert_mailer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

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
    return r;
  }

  std::map<std::string, SendOutcome> outcomes;
  std::vector<OutgoingMail> sent;
};

class AlertMailerTest : public ::testing::Test {
 protected:
  AlertMailerTest() {
    options_.sender = {"Acme NPS", "nps@acme.example"};
    options_.message_id_domain = "nps.acme.example";
    options_.admin_url = "https://nps.acme.example/admin/";
    options_.lease_owner = "worker-a";
    options_.quiet_seconds = 120;
    survey_.alerts.on = AlertBands::kDetractors;
    survey_.alerts.recipients = {"owner@acme.example", "cto@acme.example"};
    survey_ = store_->UpdateSurvey(survey_, 0).value();
  }

  int64_t Answered(int score, const std::string &comment, int64_t at = kNow) {
    const int64_t invitation = store_.SentInvitation(survey_, "ada@example.com", at - 60);
    Answer a;
    a.score = score;
    a.comment = comment;
    EXPECT_TRUE(store_->SaveAnswer(invitation, a, false, at).ok());
    return invitation;
  }

  AlertMailStepResult Step(int64_t now) {
    return RunAlertMailStep(store_.get(), store_.get(), &transport_, options_, now,
                            [] { return false; });
  }

  TempStore store_;
  Survey survey_ = store_.NewSurvey();
  ScriptedTransport transport_;
  AlertMailOptions options_;
};

TEST_F(AlertMailerTest, ASettledDetractorAlertsEachRecipientOnce) {
  const int64_t inv = Answered(2, "It broke");
  EXPECT_TRUE(Step(kNow + 119).events.empty());
  const AlertMailStepResult r = Step(kNow + 120);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, AlertMailEvent::Kind::kSent);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].recipient, "owner@acme.example");
  EXPECT_EQ(transport_.sent[0].message_id,
            "alert." + std::to_string(inv) + "@nps.acme.example");
  EXPECT_NE(transport_.sent[0].data.find("Detractor (2/10) from ada@example.com"),
            std::string::npos);
  // Quoted-printable writes the link's "=" as "=3D".
  EXPECT_NE(transport_.sent[0].data.find("#/surveys/" + std::to_string(survey_.id) +
                                         "/inbox?item=3D" + std::to_string(inv)),
            std::string::npos);
  EXPECT_TRUE(Step(kNow + 100000).events.empty());
  EXPECT_EQ(transport_.sent.size(), 2u);
}

TEST_F(AlertMailerTest, AnAnswerThatLeftTheBandIsSkipped) {
  const int64_t inv = Answered(3, "");
  Answer changed;
  changed.score = 9;
  ASSERT_TRUE(store_->SaveAnswer(inv, changed, false, kNow + 30).ok());
  const AlertMailStepResult r = Step(kNow + 150);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, AlertMailEvent::Kind::kSkipped);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(AlertMailerTest, TemporaryFailuresRetryAndOneAcceptedCopyIsEnough) {
  transport_.outcomes["owner@acme.example"] = SendOutcome::kTemporaryFailure;
  transport_.outcomes["cto@acme.example"] = SendOutcome::kTemporaryFailure;
  Answered(3, "");
  AlertMailStepResult r = Step(kNow + 120);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, AlertMailEvent::Kind::kRetry);
  EXPECT_TRUE(Step(kNow + 121).events.empty());  // waits for its retry time
  transport_.outcomes["owner@acme.example"] = SendOutcome::kSent;
  transport_.outcomes["cto@acme.example"] = SendOutcome::kPermanentFailure;
  r = Step(kNow + 100000);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, AlertMailEvent::Kind::kSent);
  EXPECT_NE(r.events[0].text.find("not to cto@acme.example"), std::string::npos);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(AlertMailerTest, AnArchivedSurveySendsNoAlerts) {
  Answered(3, "");
  ASSERT_TRUE(store_->SetSurveyArchived(survey_.id, true, kNow + 10).ok());
  const AlertMailStepResult r = Step(kNow + 120);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, AlertMailEvent::Kind::kSkipped);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(AlertMailerTest, AlertsTurnedOffBeforeSettlingSendNothing) {
  Answered(3, "");
  survey_.alerts.on = AlertBands::kOff;
  ASSERT_TRUE(store_->UpdateSurvey(survey_, kNow + 10).ok());
  const AlertMailStepResult r = Step(kNow + 120);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, AlertMailEvent::Kind::kSkipped);
  EXPECT_TRUE(transport_.sent.empty());
}

}  // namespace
}  // namespace callexa
