#include "policy/customer_state.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(CustomerStateTest, NewestInvitationThenReason) {
  const struct {
    const char *decision;
    std::optional<InvitationStatus> newest;
    const char *state, *reason;
  } cases[] = {
      {"", std::nullopt, "none", ""},
      {"scheduled", InvitationStatus::kScheduled, "scheduled", ""},
      {"pending", InvitationStatus::kScheduled, "scheduled", ""},
      {"too_old", std::nullopt, "ignored", "too_old"},
      {"automation_off", std::nullopt, "ignored", "automation_off"},
      // A later identify that was only "recently surveyed" keeps the answer.
      {"recently_surveyed", InvitationStatus::kAnswered, "answered", "recently_surveyed"},
      {"unsubscribed", InvitationStatus::kSent, "sent", "unsubscribed"},
  };
  for (const auto &c : cases) {
    const CustomerState s = DescribeCustomer(c.decision, c.newest);
    EXPECT_EQ(s.state, c.state) << c.decision;
    EXPECT_EQ(s.reason, c.reason) << c.decision;
  }
}

}  // namespace
}  // namespace callexa
