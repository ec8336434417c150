#include "policy/customer_reason.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z
constexpr int64_t kDay = kSecondsPerDay;

TEST(CustomerReasonTest, EachReasonInWords) {
  SurveyPolicy policy;
  policy.max_delay_days = 90;
  policy.resurvey_interval_days = 120;
  policy.monthly_budget = 500;
  const struct {
    const char *reason;
    ReasonFacts facts;
    const char *want;
  } cases[] = {
      {"", {}, ""},
      {"recently_surveyed",
       {std::nullopt, kNow - 40 * kDay},
       "surveyed 40 days ago; next possible on 2027-02-16"},
      {"recently_surveyed",
       {std::nullopt, kNow - 130 * kDay},
       "surveyed 130 days ago; may be surveyed at the next identify"},
      {"recently_surveyed", {}, "surveyed within the 120-day interval"},
      {"recently_surveyed",
       {std::nullopt, kNow - 3600},
       "surveyed today; next possible on 2027-03-28"},
      {"too_old",
       {kNow - 200 * kDay, std::nullopt},
       "joined 200 days ago, beyond the 90-day window"},
      {"too_old",
       {kNow - kDay, std::nullopt},
       "joined 1 day ago, beyond the 90-day window"},
      {"too_old", {}, "signed up beyond the 90-day window"},
      {"automation_off", {}, "the automation was off when they arrived"},
      {"unsubscribed", {}, "unsubscribed from survey emails"},
      {"bounced", {}, "their address bounced: never emailed again"},
      {"over_budget", {}, "the monthly budget of 500 invitations was used up"},
      {"something_new", {}, "something_new"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(ExplainSkipReason(c.reason, policy, c.facts, kNow), c.want) << c.reason;
  }
  policy.monthly_budget.reset();
  EXPECT_EQ(ExplainSkipReason("over_budget", policy, {}, kNow),
            "the monthly budget was used up");
}

}  // namespace
}  // namespace callexa
