#include "delivery/delivery_runner.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "ingest/identify_message.h"
#include "mail/retry_policy.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// Records every message and answers as told per recipient (default: sent).
class RecordingTransport : public MailTransport {
 public:
  SendResult Send(const OutgoingMail &mail) override {
    sent.push_back(mail);
    if (on_send) on_send(mail);
    auto it = answers.find(mail.recipient);
    if (it == answers.end()) return {SendOutcome::kSent, 250, "250 OK"};
    SendResult r = it->second;
    if (--remaining[mail.recipient] == 0) answers.erase(it);
    return r;
  }
  // The next `times` sends to `recipient` get `result`.
  void Answer(const std::string &recipient, SendResult result, int times = 1000) {
    answers[recipient] = std::move(result);
    remaining[recipient] = times;
  }

  std::vector<OutgoingMail> sent;
  std::function<void(const OutgoingMail &)> on_send;
  std::map<std::string, SendResult> answers;
  std::map<std::string, int> remaining;
};

class DeliveryRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.survey_base_url = "https://nps.example.com/s/";
    options_.sender_address = "nps@example.com";
    options_.sender_name = "Example";
    options_.message_id_domain = "nps.example.com";
    options_.lease_owner = "worker-a";
    options_.batch_size = 10;
    survey_ = NewSurvey(0);
  }

  Survey NewSurvey(int min_delay_days, bool automation = true) {
    Survey draft;
    draft.name = "NPS";
    draft.policy.min_delay_days = min_delay_days;
    draft.policy.automation = automation;
    auto created = store_->CreateSurvey(draft, kNow - kSecondsPerDay);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? created.value() : Survey{};
  }

  void Identify(const Survey &survey, const std::vector<std::string> &emails,
                int64_t at = kNow) {
    IngestJob job;
    job.api_key = survey.api_key;
    for (const std::string &email : emails) {
      nlohmann::json m = {{"type", "identify"},
                          {"traits", {{"email", email}, {"firstName", "Ada"}}}};
      auto parsed = ParseSpecMessage(m, "");
      ASSERT_TRUE(parsed.ok()) << parsed.status().message();
      job.identifies.push_back(*parsed.value().identify);
    }
    store_->ApplyIngest({&job}, at);
    ASSERT_TRUE(job.status.ok()) << job.status.message();
  }

  DeliveryStepResult Step(
      int64_t at, const std::string &owner = "worker-a",
      std::function<bool()> stop = [] { return false; }) {
    DeliveryOptions options = options_;
    options.lease_owner = owner;
    return RunDeliveryStep(
        store_.get(), &transport_, options, [at] { return at; }, stop);
  }

  std::string StateOf(const std::string &email, const Survey &survey) {
    CustomerQuery q;
    q.survey_id = survey.id;
    q.email = email;
    auto found = store_->FindCustomers(q);
    EXPECT_TRUE(found.ok() && found.value().size() == 1);
    return found.ok() && !found.value().empty() ? found.value()[0].state : "";
  }

  void Exec(const std::string &sql) { store_.backend()->Exec(sql); }

  TempStore store_;
  RecordingTransport transport_;
  DeliveryOptions options_;
  Survey survey_;
};

TEST_F(DeliveryRunnerTest, SendsEachDueInvitationOnce) {
  Identify(survey_, {"ada@example.com", "bob@example.com"});
  DeliveryStepResult r = Step(kNow);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.claimed, 2);
  EXPECT_EQ(r.sent, 2);
  EXPECT_FALSE(r.more);
  ASSERT_EQ(transport_.sent.size(), 2u);
  const OutgoingMail &mail = transport_.sent[0];
  EXPECT_EQ(mail.envelope_from, "nps@example.com");
  EXPECT_NE(mail.data.find("https://nps.example.com/s/"), std::string::npos);
  EXPECT_NE(mail.data.find("Message-ID: <" + mail.message_id + ">"), std::string::npos);
  EXPECT_EQ(StateOf("ada@example.com", survey_), "sent");

  r = Step(kNow + 3600);
  EXPECT_EQ(r.claimed, 0);
  EXPECT_EQ(transport_.sent.size(), 2u);
  // A repeated identify within the re-survey interval schedules nothing.
  Identify(survey_, {"ada@example.com"}, kNow + 7200);
  EXPECT_EQ(Step(kNow + 7200).claimed, 0);
}

TEST_F(DeliveryRunnerTest, WaitsForTheDueTimeAndTheAutomationSwitch) {
  const Survey later = NewSurvey(3);
  Identify(later, {"ada@example.com"});
  EXPECT_EQ(Step(kNow).claimed, 0);
  EXPECT_EQ(Step(kNow + 3 * kSecondsPerDay).sent, 1);

  Survey off = NewSurvey(0);
  Identify(off, {"cy@example.com"});
  off.policy.automation = false;
  ASSERT_TRUE(store_->UpdateSurvey(off, kNow).ok());
  EXPECT_EQ(Step(kNow + 4 * kSecondsPerDay).claimed, 0);
  off.policy.automation = true;
  ASSERT_TRUE(store_->UpdateSurvey(off, kNow).ok());
  EXPECT_EQ(Step(kNow + 4 * kSecondsPerDay).sent, 1);
}

TEST_F(DeliveryRunnerTest, TemporaryFailureRetriesLaterWithTheSameMessageId) {
  Identify(survey_, {"ada@example.com"});
  transport_.Answer("ada@example.com",
                    {SendOutcome::kTemporaryFailure, 451, "451 try later"}, 1);
  DeliveryStepResult r = Step(kNow);
  EXPECT_EQ(r.retried, 1);
  EXPECT_EQ(StateOf("ada@example.com", survey_), "retry");
  EXPECT_EQ(Step(kNow + 10).claimed, 0);  // backing off
  r = Step(kNow + 3600);
  EXPECT_EQ(r.sent, 1);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].message_id, transport_.sent[1].message_id);
  EXPECT_EQ(StateOf("ada@example.com", survey_), "sent");
}

TEST_F(DeliveryRunnerTest, GivesUpAfterTheLastAttempt) {
  Identify(survey_, {"ada@example.com"});
  transport_.Answer("ada@example.com", {SendOutcome::kTemporaryFailure, 451, "451 busy"});
  int64_t at = kNow;
  for (int i = 0; i < kMaxDeliveryAttempts; ++i) {
    DeliveryStepResult r = Step(at);
    ASSERT_EQ(r.claimed, 1) << "attempt " << i + 1;
    at += 7 * 3600;  // past the longest backoff
  }
  EXPECT_EQ(StateOf("ada@example.com", survey_), "failed");
  EXPECT_EQ(Step(at).claimed, 0);
  EXPECT_EQ(transport_.sent.size(), static_cast<size_t>(kMaxDeliveryAttempts));
}

TEST_F(DeliveryRunnerTest, PermanentFailureBouncesTheAddressForGood) {
  Identify(survey_, {"gone@example.com"});
  transport_.Answer("gone@example.com",
                    {SendOutcome::kPermanentFailure, 550, "550 no such user"});
  EXPECT_EQ(Step(kNow).bounced, 1);
  EXPECT_EQ(StateOf("gone@example.com", survey_), "bounced");
  EXPECT_EQ(Step(kNow + 30 * kSecondsPerDay).claimed, 0);

  // Another survey never schedules the bounced address either.
  const Survey other = NewSurvey(0);
  Identify(other, {"gone@example.com"}, kNow + 60);
  EXPECT_EQ(StateOf("gone@example.com", other), "ignored");
}

// An invitation that ends unsent for good gives back its place in the
// monthly budget and does not make its customer "recently surveyed".
TEST_F(DeliveryRunnerTest, AnInvitationThatFailedForGoodCountsForNothing) {
  Survey draft;
  draft.name = "Budget";
  draft.policy.min_delay_days = 0;
  draft.policy.max_delay_days = 0;
  draft.policy.automation = true;
  draft.policy.monthly_budget = 1;
  auto created = store_->CreateSurvey(draft, kNow - kSecondsPerDay);
  ASSERT_TRUE(created.ok());
  const Survey survey = created.value();
  const auto counted = [&](int64_t month_of) {
    auto counts = store_->CountBySurvey(StartOfMonthUtc(month_of));
    EXPECT_TRUE(counts.ok());
    for (const SurveyCounts &c : counts.value()) {
      if (c.survey_id == survey.id) return c.invitations_this_month;
    }
    return int64_t{-1};
  };

  // Given up after every attempt.
  Identify(survey, {"ada@example.com"});
  EXPECT_EQ(counted(kNow), 1);
  transport_.Answer("ada@example.com", {SendOutcome::kTemporaryFailure, 451, "451 busy"},
                    kMaxDeliveryAttempts);
  int64_t at = kNow;
  for (int i = 0; i < kMaxDeliveryAttempts; ++i) Step(at += 7 * 3600);  // past backoffs
  ASSERT_EQ(StateOf("ada@example.com", survey), "failed");
  EXPECT_EQ(counted(kNow), 0);
  // Ada is due again at once, and her new invitation takes the budget.
  Identify(survey, {"ada@example.com"}, at);
  EXPECT_EQ(StateOf("ada@example.com", survey), "scheduled");
  EXPECT_EQ(counted(at), 1);
  EXPECT_EQ(Step(at).sent, 1);

  // Refused for good: the address bounces, the budget is free again.
  Identify(survey, {"bob@example.com"}, at + 60);
  EXPECT_EQ(StateOf("bob@example.com", survey), "ignored");  // over budget
  Exec("UPDATE survey_months SET invitations = 0");
  Identify(survey, {"bob@example.com"}, at + 120);
  transport_.Answer("bob@example.com", {SendOutcome::kPermanentFailure, 550, "550 gone"});
  EXPECT_EQ(Step(at + 120).bounced, 1);
  EXPECT_EQ(counted(at), 0);

  // Suppressed between scheduling and sending: never sent, never counted.
  Identify(survey, {"cy@example.com"}, at + 180);
  EXPECT_EQ(counted(at), 1);
  Exec(
      "INSERT INTO suppressions (email, reason, created_at) "
      "VALUES ('cy@example.com', 'unsubscribed', 0)");
  Step(at + 180);
  EXPECT_EQ(StateOf("cy@example.com", survey), "suppressed");
  EXPECT_EQ(counted(at), 0);

  // A sent survey still counts, and still keeps its customer for 26 weeks.
  Identify(survey, {"ada@example.com"}, at + 240);
  EXPECT_EQ(StateOf("ada@example.com", survey), "sent");
}

TEST_F(DeliveryRunnerTest, AnUnreachableServerDefersTheWholeBatch) {
  Identify(survey_, {"a@example.com", "b@example.com", "c@example.com"});
  for (const char *to : {"a@example.com", "b@example.com", "c@example.com"}) {
    transport_.Answer(to, {SendOutcome::kTemporaryFailure, 0, "connection refused"});
  }
  DeliveryStepResult r = Step(kNow);
  EXPECT_EQ(r.retried, 3);
  EXPECT_EQ(transport_.sent.size(), 1u);  // the others were not tried
}

TEST_F(DeliveryRunnerTest, EachOutcomeIsCommittedBeforeTheNextSend) {
  Identify(survey_, {"a@example.com", "b@example.com", "c@example.com"});
  // What another worker would see if this one died while sending "c".
  auto other = store_.OpenAnother();
  std::vector<std::string> seen;
  transport_.on_send = [&](const OutgoingMail &mail) {
    if (mail.recipient != "c@example.com") return;
    for (const char *email : {"a@example.com", "b@example.com"}) {
      CustomerQuery q;
      q.survey_id = survey_.id;
      q.email = email;
      auto found = other->FindCustomers(q);
      if (found.ok() && found.value().size() == 1) seen.push_back(found.value()[0].state);
    }
  };
  EXPECT_EQ(Step(kNow).sent, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"sent", "sent"}));
}

TEST_F(DeliveryRunnerTest, StoppingReleasesUnsentInvitationsAtOnce) {
  Identify(survey_, {"a@example.com", "b@example.com", "c@example.com"});
  int polls = 0;
  DeliveryStepResult r = Step(kNow, "worker-a", [&polls] { return ++polls > 1; });
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.released, 2);
  r = Step(kNow, "worker-b");  // the next worker takes them at once
  EXPECT_EQ(r.sent, 2);
  EXPECT_EQ(transport_.sent.size(), 3u);
}

TEST_F(DeliveryRunnerTest, ALeaseKeepsOtherWorkersAwayUntilItExpires) {
  Identify(survey_, {"ada@example.com"});
  auto other = store_.OpenAnother();
  auto claimed = store_->ClaimDueInvitations(kNow, 10, 600, "worker-a");
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed.value().size(), 1u);
  auto stolen = other->ClaimDueInvitations(kNow + 599, 10, 600, "worker-b");
  ASSERT_TRUE(stolen.ok());
  EXPECT_TRUE(stolen.value().empty());

  // worker-a died; its lease runs out and worker-b sends the invitation.
  stolen = other->ClaimDueInvitations(kNow + 600, 10, 600, "worker-b");
  ASSERT_TRUE(stolen.ok());
  ASSERT_EQ(stolen.value().size(), 1u);
  EXPECT_EQ(stolen.value()[0].attempts, 2);
  EXPECT_EQ(stolen.value()[0].message_id, claimed.value()[0].message_id);
  DeliveryRecord sent;
  sent.invitation_id = stolen.value()[0].invitation_id;
  ASSERT_TRUE(other->RecordDeliveries({sent}, kNow + 601, "worker-b").ok());
  // A late word from worker-a changes nothing.
  DeliveryRecord late = sent;
  late.outcome = DeliveryRecord::Outcome::kBounced;
  ASSERT_TRUE(store_->RecordDeliveries({late}, kNow + 602, "worker-a").ok());
  EXPECT_EQ(StateOf("ada@example.com", survey_), "sent");
}

TEST_F(DeliveryRunnerTest, NeverSendsToASuppressedAddress) {
  Identify(survey_, {"ada@example.com"});
  Exec(
      "INSERT INTO suppressions (email, reason, created_at) "
      "VALUES ('ada@example.com', 'unsubscribed', 0)");
  EXPECT_EQ(Step(kNow).sent, 0);
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(StateOf("ada@example.com", survey_), "suppressed");
}

TEST_F(DeliveryRunnerTest, BadSettingsFailTheInvitationWithAReason) {
  Identify(survey_, {"ada@example.com"});
  options_.sender_address = "not an address";
  EXPECT_EQ(Step(kNow).failed, 1);
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(StateOf("ada@example.com", survey_), "failed");
}

TEST_F(DeliveryRunnerTest, OutsideTheSendWindowNothingIsSentUntilItOpens) {
  // Weekdays 09:00-17:00 UTC; kNow is a Saturday.
  survey_.send_window =
      R"({"days":["mon","tue","wed","thu","fri"],"end":"17:00","start":"09:00",)"
      R"("time_zone":"UTC","use_customer_time_zone":false})";
  ASSERT_TRUE(store_->UpdateSurvey(survey_, kNow - 60).ok());
  Identify(survey_, {"ada@example.com", "bob@example.com"});
  DeliveryStepResult r = Step(kNow);
  ASSERT_TRUE(r.status.ok()) << r.status.ToLogString();
  EXPECT_EQ(r.deferred, 2);
  EXPECT_EQ(r.claimed, 0);
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(StateOf("ada@example.com", survey_), "queued");
  // Not due again before the opening: no second deferral.
  r = Step(kNow + kSecondsPerDay);
  EXPECT_EQ(r.deferred, 0);
  EXPECT_TRUE(transport_.sent.empty());
  // Monday 10:00: inside, both go, each as its first attempt.
  const int64_t monday = kNow + 2 * kSecondsPerDay;
  r = Step(monday);
  EXPECT_EQ(r.sent, 2);
  EXPECT_EQ(r.deferred, 0);
  EXPECT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(StateOf("ada@example.com", survey_), "sent");
}

TEST_F(DeliveryRunnerTest, AFullBatchSaysMoreIsDue) {
  std::vector<std::string> emails;
  for (int i = 0; i < 25; ++i) emails.push_back("c" + std::to_string(i) + "@example.com");
  Identify(survey_, emails);
  EXPECT_TRUE(Step(kNow).more);
  EXPECT_TRUE(Step(kNow).more);
  DeliveryStepResult last = Step(kNow);
  EXPECT_FALSE(last.more);
  EXPECT_EQ(last.sent, 5);
  EXPECT_EQ(transport_.sent.size(), 25u);
}

}  // namespace
}  // namespace callexa
