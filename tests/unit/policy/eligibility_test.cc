#include "policy/eligibility.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/time_format.h"

namespace callexa {
namespace {

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

SurveyPolicy NewCustomersPolicy() {  // "survey new customers", min 3 / max 14
  SurveyPolicy p;
  p.min_delay_days = 3;
  p.max_delay_days = 14;
  p.automation = true;
  return p;
}

SurveyPolicy RepeatPolicy() {  // "survey repeatedly" every 26 weeks
  SurveyPolicy p;
  p.min_delay_days = 3;
  p.max_delay_days = 0;
  p.resurvey_interval_days = 182;
  p.automation = true;
  return p;
}

SurveyPolicy WithBudget(SurveyPolicy p, std::optional<int64_t> budget) {
  p.monthly_budget = budget;
  return p;
}

SurveyPolicy WithoutAutomation(SurveyPolicy p) {
  p.automation = false;
  return p;
}

CustomerHistory CreatedAt(std::optional<int64_t> t) {
  CustomerHistory h;
  h.created_at = t;
  return h;
}

CustomerHistory SurveyedAt(int64_t t) {
  CustomerHistory h;
  h.last_surveyed_at = t;
  return h;
}

CustomerHistory Unsubscribed() {
  CustomerHistory h = CreatedAt(kNow);
  h.unsubscribed = true;
  return h;
}

CustomerHistory Bounced() {
  CustomerHistory h = CreatedAt(kNow);
  h.bounced = true;
  return h;
}

CustomerHistory Pending() {
  CustomerHistory h = CreatedAt(kNow);
  h.has_pending_invitation = true;
  return h;
}

CustomerHistory SentThisMonth(int64_t n) {
  CustomerHistory h;
  h.invitations_this_month = n;
  return h;
}

TEST(EligibilityTest, DecideInvitation) {
  const struct {
    const char *what;
    SurveyPolicy policy;
    CustomerHistory history;
    bool schedule;
    int64_t due_at;  // when scheduled
    SkipReason reason;
  } cases[] = {
      // The Callexa documentation's example: min 3, max 14 days.
      {"new customer created today", NewCustomersPolicy(), CreatedAt(kNow), true,
       kNow + 3 * kDay, SkipReason::kNone},
      {"created an hour ago: due 3 days after creation", NewCustomersPolicy(),
       CreatedAt(kNow - 3600), true, kNow - 3600 + 3 * kDay, SkipReason::kNone},
      {"created 5 days ago: createdAt+3d has passed, due now", NewCustomersPolicy(),
       CreatedAt(kNow - 5 * kDay), true, kNow, SkipReason::kNone},
      {"created exactly 14 days ago", NewCustomersPolicy(), CreatedAt(kNow - 14 * kDay),
       true, kNow, SkipReason::kNone},
      {"created 14 days and a second ago", NewCustomersPolicy(),
       CreatedAt(kNow - 14 * kDay - 1), false, 0, SkipReason::kTooOld},
      {"created 15 days ago", NewCustomersPolicy(), CreatedAt(kNow - 15 * kDay), false, 0,
       SkipReason::kTooOld},
      {"created in the future (clock skew)", NewCustomersPolicy(), CreatedAt(kNow + kDay),
       true, kNow + 4 * kDay, SkipReason::kNone},
      {"createdAt unknown: like max 0", NewCustomersPolicy(), CreatedAt(std::nullopt),
       true, kNow + 3 * kDay, SkipReason::kNone},

      // max 0: every identify, at most once per resurvey interval.
      {"first identify", RepeatPolicy(), CustomerHistory{}, true, kNow + 3 * kDay,
       SkipReason::kNone},
      {"createdAt ignored when max is 0", RepeatPolicy(), CreatedAt(kNow - 400 * kDay),
       true, kNow + 3 * kDay, SkipReason::kNone},
      {"surveyed 100 days ago", RepeatPolicy(), SurveyedAt(kNow - 100 * kDay), false, 0,
       SkipReason::kRecentlySurveyed},
      {"surveyed 182 days less a second ago", RepeatPolicy(),
       SurveyedAt(kNow - 182 * kDay + 1), false, 0, SkipReason::kRecentlySurveyed},
      {"surveyed exactly 182 days ago", RepeatPolicy(), SurveyedAt(kNow - 182 * kDay),
       true, kNow + 3 * kDay, SkipReason::kNone},
      {"surveyed 200 days ago", RepeatPolicy(), SurveyedAt(kNow - 200 * kDay), true,
       kNow + 3 * kDay, SkipReason::kNone},

      // Suppressions and switches, in order of precedence.
      {"unsubscribed", NewCustomersPolicy(), Unsubscribed(), false, 0,
       SkipReason::kUnsubscribed},
      {"bounced", NewCustomersPolicy(), Bounced(), false, 0, SkipReason::kBounced},
      {"unsubscribed wins over automation off", WithoutAutomation(NewCustomersPolicy()),
       Unsubscribed(), false, 0, SkipReason::kUnsubscribed},
      {"automation off", WithoutAutomation(NewCustomersPolicy()), CreatedAt(kNow), false,
       0, SkipReason::kAutomationOff},
      {"automation off wins over pending", WithoutAutomation(RepeatPolicy()), Pending(),
       false, 0, SkipReason::kAutomationOff},
      {"pending invitation", NewCustomersPolicy(), Pending(), false, 0,
       SkipReason::kPending},

      // Monthly budget.
      {"budget reached", WithBudget(RepeatPolicy(), 100), SentThisMonth(100), false, 0,
       SkipReason::kOverBudget},
      {"budget exceeded", WithBudget(RepeatPolicy(), 100), SentThisMonth(150), false, 0,
       SkipReason::kOverBudget},
      {"budget 0 stops everything", WithBudget(RepeatPolicy(), 0), SentThisMonth(0),
       false, 0, SkipReason::kOverBudget},
      {"budget not reached", WithBudget(RepeatPolicy(), 100), SentThisMonth(99), true,
       kNow + 3 * kDay, SkipReason::kNone},
      {"no budget", WithBudget(RepeatPolicy(), std::nullopt), SentThisMonth(1000000),
       true, kNow + 3 * kDay, SkipReason::kNone},
  };
  for (const auto &c : cases) {
    const Decision d = DecideInvitation(c.policy, c.history, kNow);
    EXPECT_EQ(d.schedule, c.schedule) << c.what;
    EXPECT_EQ(d.reason, c.reason) << c.what << ": got " << SkipReasonName(d.reason);
    if (c.schedule) {
      EXPECT_EQ(d.due_at, c.due_at) << c.what << ": got " << FormatIso8601(d.due_at)
                                    << ", want " << FormatIso8601(c.due_at);
    }
  }
}

TEST(EligibilityTest, MinDelayZeroIsDueNow) {
  SurveyPolicy p = RepeatPolicy();
  p.min_delay_days = 0;
  const Decision d = DecideInvitation(p, CustomerHistory{}, kNow);
  EXPECT_TRUE(d.schedule);
  EXPECT_EQ(d.due_at, kNow);
}

TEST(EligibilityTest, SkipReasonNames) {
  const struct {
    SkipReason reason;
    const char *name;
  } cases[] = {
      {SkipReason::kNone, ""},
      {SkipReason::kUnsubscribed, "unsubscribed"},
      {SkipReason::kBounced, "bounced"},
      {SkipReason::kAutomationOff, "automation_off"},
      {SkipReason::kPending, "pending"},
      {SkipReason::kTooOld, "too_old"},
      {SkipReason::kRecentlySurveyed, "recently_surveyed"},
      {SkipReason::kOverBudget, "over_budget"},
  };
  for (const auto &c : cases) {
    EXPECT_STREQ(SkipReasonName(c.reason), c.name) << static_cast<int>(c.reason);
  }
}

}  // namespace
}  // namespace callexa
