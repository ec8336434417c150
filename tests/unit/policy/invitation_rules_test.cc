#include "policy/invitation_rules.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(InvitationRulesTest, OutcomesSetStatusNextAttemptAndSuppression) {
  using Outcome = DeliveryRecord::Outcome;
  const struct {
    Outcome outcome;
    InvitationStatus status;
    bool retries;
    bool suppresses;
  } cases[] = {
      {Outcome::kSent, InvitationStatus::kSent, false, false},
      {Outcome::kRetry, InvitationStatus::kRetry, true, false},
      {Outcome::kFailed, InvitationStatus::kFailed, false, false},
      {Outcome::kBounced, InvitationStatus::kBounced, false, true},
  };
  for (const auto &c : cases) {
    DeliveryRecord r;
    r.outcome = c.outcome;
    r.retry_at = 1234;
    EXPECT_EQ(StatusAfter(c.outcome), c.status);
    EXPECT_EQ(NextAttemptAfter(r).has_value(), c.retries);
    if (c.retries) {
      EXPECT_EQ(*NextAttemptAfter(r), 1234);
    }
    EXPECT_EQ(SuppressionAfter(c.outcome).has_value(), c.suppresses);
  }
  EXPECT_EQ(SuppressionAfter(Outcome::kBounced), SuppressionReason::kBounced);
}

TEST(InvitationRulesTest, ClaimTimeNote) {
  EXPECT_EQ(SuppressedAtClaimNote(SuppressionReason::kBounced), "address bounced");
  EXPECT_EQ(SuppressedAtClaimNote(SuppressionReason::kUnsubscribed),
            "address unsubscribed");
}

}  // namespace
}  // namespace callexa
