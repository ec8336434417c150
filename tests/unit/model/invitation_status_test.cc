#include "model/invitation_status.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(InvitationStatusTest, NamesRoundTrip) {
  const char *const names[] = {"scheduled", "queued",  "sending", "retry",     "sent",
                               "answered",  "bounced", "failed",  "suppressed"};
  for (const char *name : names) {
    const auto status = ParseInvitationStatus(name);
    ASSERT_TRUE(status.has_value()) << name;
    EXPECT_STREQ(InvitationStatusName(*status), name);
  }
  EXPECT_FALSE(ParseInvitationStatus("").has_value());
  EXPECT_FALSE(ParseInvitationStatus("Sent").has_value());
}

TEST(InvitationStatusTest, SuppressionReasons) {
  EXPECT_EQ(ParseSuppressionReason("bounced"), SuppressionReason::kBounced);
  EXPECT_EQ(ParseSuppressionReason("unsubscribed"), SuppressionReason::kUnsubscribed);
  EXPECT_FALSE(ParseSuppressionReason("").has_value());
  EXPECT_STREQ(SuppressionReasonName(SuppressionReason::kBounced), "bounced");
}

}  // namespace
}  // namespace callexa
