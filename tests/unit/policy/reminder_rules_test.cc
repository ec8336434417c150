#include "policy/reminder_rules.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kSent = 1'000'000'000;  // the survey email went out
constexpr int64_t kLinksExpire = kSent + 90 * kDay;

// A sent, unanswered invitation of an active survey reminding after 3 days.
ReminderFacts Eligible() {
  ReminderFacts f;
  f.reminder_after_days = 3;
  f.automation = true;
  f.invitation_status = InvitationStatus::kSent;
  f.sent_at = kSent;
  f.links_expire_at = kLinksExpire;
  return f;
}

TEST(ReminderRulesTest, DecisionTable) {
  using Kind = ReminderDecision::Kind;
  const struct {
    const char *name;
    void (*change)(ReminderFacts *);
    int64_t now;
    Kind kind;
    const char *reason;
  } cases[] = {
      {"due exactly after the delay", [](ReminderFacts *) {}, kSent + 3 * kDay,
       Kind::kDue, ""},
      {"a second early", [](ReminderFacts *) {}, kSent + 3 * kDay - 1, Kind::kNotDue,
       "not due yet"},
      {"before the survey email", [](ReminderFacts *f) { f->sent_at.reset(); },
       kSent + 10 * kDay, Kind::kNotDue, "survey email not sent"},
      {"email still retrying",
       [](ReminderFacts *f) {
         f->invitation_status = InvitationStatus::kRetry;
         f->sent_at.reset();
       },
       kSent + 4 * kDay, Kind::kNotDue, "survey email not sent"},
      {"email bounced",
       [](ReminderFacts *f) { f->invitation_status = InvitationStatus::kBounced; },
       kSent + 4 * kDay, Kind::kNotDue, "survey email not sent"},
      {"answered",
       [](ReminderFacts *f) {
         f->invitation_status = InvitationStatus::kAnswered;
         f->answered_at = kSent + kDay;
       },
       kSent + 4 * kDay, Kind::kSkip, "answered"},
      {"answered while its reminder was retrying",
       [](ReminderFacts *f) {
         f->invitation_status = InvitationStatus::kAnswered;
         f->answered_at = kSent + 4 * kDay;
         f->reminder = ReminderStatus::kRetry;
       },
       kSent + 4 * kDay, Kind::kSkip, "answered"},
      {"unsubscribed",
       [](ReminderFacts *f) { f->suppression = SuppressionReason::kUnsubscribed; },
       kSent + 4 * kDay, Kind::kSkip, "address unsubscribed"},
      {"bounced meanwhile",
       [](ReminderFacts *f) { f->suppression = SuppressionReason::kBounced; },
       kSent + 4 * kDay, Kind::kSkip, "address bounced"},
      {"erased", [](ReminderFacts *f) { f->suppression = SuppressionReason::kErased; },
       kSent + 4 * kDay, Kind::kSkip, "address erased"},
      {"reminders off", [](ReminderFacts *f) { f->reminder_after_days.reset(); },
       kSent + 4 * kDay, Kind::kNotDue, "reminders are off"},
      {"automation off", [](ReminderFacts *f) { f->automation = false; },
       kSent + 4 * kDay, Kind::kNotDue, "automation is off"},
      {"archived", [](ReminderFacts *f) { f->archived = true; }, kSent + 4 * kDay,
       Kind::kNotDue, "survey archived"},
      {"already sent", [](ReminderFacts *f) { f->reminder = ReminderStatus::kSent; },
       kSent + 4 * kDay, Kind::kNotDue, "reminder already sent"},
      {"already skipped",
       [](ReminderFacts *f) { f->reminder = ReminderStatus::kSkipped; }, kSent + 4 * kDay,
       Kind::kNotDue, "reminder already skipped"},
      {"already failed", [](ReminderFacts *f) { f->reminder = ReminderStatus::kFailed; },
       kSent + 4 * kDay, Kind::kNotDue, "reminder already failed"},
      {"sent and then answered: still never a second",
       [](ReminderFacts *f) {
         f->reminder = ReminderStatus::kSent;
         f->answered_at = kSent + 5 * kDay;
       },
       kSent + 6 * kDay, Kind::kNotDue, "reminder already sent"},
      {"a started reminder retries",
       [](ReminderFacts *f) { f->reminder = ReminderStatus::kRetry; }, kSent + 4 * kDay,
       Kind::kDue, ""},
      {"a lost lease is taken over",
       [](ReminderFacts *f) { f->reminder = ReminderStatus::kSending; }, kSent + 4 * kDay,
       Kind::kDue, ""},
      {"late but in time", [](ReminderFacts *) {},
       kSent + 3 * kDay + kReminderLateSeconds, Kind::kDue, ""},
      {"too late to start", [](ReminderFacts *) {},
       kSent + 3 * kDay + kReminderLateSeconds + 1, Kind::kSkip, "too late"},
      {"late but started (window, retries)",
       [](ReminderFacts *f) { f->reminder = ReminderStatus::kQueued; },
       kSent + 3 * kDay + kReminderLateSeconds + kDay, Kind::kDue, ""},
      {"links expire within a day",
       [](ReminderFacts *f) {
         f->reminder_after_days = 30;
         f->reminder = ReminderStatus::kRetry;
       },
       kLinksExpire - kReminderMinLinkSeconds + 1, Kind::kSkip, "links expired"},
      {"links still good for a day",
       [](ReminderFacts *f) {
         f->reminder_after_days = 30;
         f->reminder = ReminderStatus::kRetry;
       },
       kLinksExpire - kReminderMinLinkSeconds, Kind::kDue, ""},
      {"30 days", [](ReminderFacts *f) { f->reminder_after_days = 30; },
       kSent + 30 * kDay, Kind::kDue, ""},
      {"1 day", [](ReminderFacts *f) { f->reminder_after_days = 1; }, kSent + kDay,
       Kind::kDue, ""},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    ReminderFacts f = Eligible();
    c.change(&f);
    const ReminderDecision d = DecideReminder(f, c.now);
    EXPECT_EQ(d.kind, c.kind);
    EXPECT_EQ(d.reason, c.reason);
  }
}

TEST(ReminderRulesTest, DueTimeIsSentAtPlusTheDelay) {
  ReminderFacts f = Eligible();
  f.reminder_after_days = 7;
  EXPECT_EQ(DecideReminder(f, kSent).due_at, kSent + 7 * kDay);
  EXPECT_EQ(DecideReminder(f, kSent + 7 * kDay).due_at, kSent + 7 * kDay);
}

TEST(ReminderRulesTest, OutcomesSetStatus) {
  using Outcome = ReminderRecord::Outcome;
  EXPECT_EQ(ReminderStatusAfter(Outcome::kSent), ReminderStatus::kSent);
  EXPECT_EQ(ReminderStatusAfter(Outcome::kRetry), ReminderStatus::kRetry);
  EXPECT_EQ(ReminderStatusAfter(Outcome::kFailed), ReminderStatus::kFailed);
  EXPECT_EQ(ReminderStatusAfter(Outcome::kBounced), ReminderStatus::kFailed);
  EXPECT_EQ(ReminderStatusAfter(Outcome::kSkipped), ReminderStatus::kSkipped);
}

TEST(ReminderRulesTest, StatusNamesRoundTrip) {
  for (const char *name : {"queued", "sending", "retry", "sent", "failed", "skipped"}) {
    const auto status = ParseReminderStatus(name);
    ASSERT_TRUE(status.has_value()) << name;
    EXPECT_STREQ(ReminderStatusName(*status), name);
  }
  EXPECT_FALSE(ParseReminderStatus("answered").has_value());
}

}  // namespace
}  // namespace callexa
