#include "policy/identify_plan.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z
constexpr int64_t kDay = kSecondsPerDay;

SurveyPolicy NewCustomers() {
  SurveyPolicy p;
  p.min_delay_days = 3;
  p.max_delay_days = 14;
  p.automation = true;
  return p;
}

TEST(IdentifyPlanTest, SchedulesAndCountsANewCustomer) {
  IdentifyMessage m;
  m.created_at = kNow - kDay;
  const IdentifyPlan plan = PlanIdentify(NewCustomers(), m, {}, kNow);
  EXPECT_EQ(plan.decision, "scheduled");
  ASSERT_TRUE(plan.pending_due_at.has_value());
  EXPECT_EQ(*plan.pending_due_at, kNow + 2 * kDay);
  EXPECT_TRUE(plan.counts_invitation);
}

TEST(IdentifyPlanTest, TheMessagesCreatedAtWinsOverTheStoredOne) {
  StoredCustomerHistory stored;
  stored.created_at = kNow - 30 * kDay;  // too old, were it kept
  IdentifyMessage m;
  m.created_at = kNow - kDay;
  EXPECT_EQ(PlanIdentify(NewCustomers(), m, stored, kNow).decision, "scheduled");
  m.created_at.reset();
  EXPECT_EQ(PlanIdentify(NewCustomers(), m, stored, kNow).decision, "too_old");
}

TEST(IdentifyPlanTest, RecordsWhyNot) {
  const struct {
    StoredCustomerHistory stored;
    const char *decision;
  } cases[] = {
      {{std::nullopt, true, std::nullopt, std::nullopt, 0}, "pending"},
      {{std::nullopt, false, std::nullopt, SuppressionReason::kUnsubscribed, 0},
       "unsubscribed"},
      {{std::nullopt, false, std::nullopt, SuppressionReason::kBounced, 0}, "bounced"},
      {{std::nullopt, false, kNow - 10 * kDay, std::nullopt, 0}, "recently_surveyed"},
  };
  SurveyPolicy repeatedly;
  repeatedly.automation = true;
  for (const auto &c : cases) {
    const IdentifyPlan plan = PlanIdentify(repeatedly, IdentifyMessage{}, c.stored, kNow);
    EXPECT_EQ(plan.decision, c.decision);
    EXPECT_FALSE(plan.pending_due_at.has_value()) << c.decision;
    EXPECT_FALSE(plan.counts_invitation) << c.decision;
  }
}

TEST(IdentifyPlanTest, OverBudget) {
  SurveyPolicy p;
  p.automation = true;
  p.monthly_budget = 2;
  StoredCustomerHistory stored;
  stored.invitations_this_month = 2;
  EXPECT_EQ(PlanIdentify(p, IdentifyMessage{}, stored, kNow).decision, "over_budget");
  stored.invitations_this_month = 1;
  EXPECT_EQ(PlanIdentify(p, IdentifyMessage{}, stored, kNow).decision, "scheduled");
}

}  // namespace
}  // namespace callexa
