// Where a customer of a survey stands, as the admin API shows it, from what
// every backend keeps: the last identify's decision and the newest
// invitation.
#ifndef CALLEXA_POLICY_CUSTOMER_STATE_H_
#define CALLEXA_POLICY_CUSTOMER_STATE_H_

#include <optional>
#include <string>
#include <string_view>

#include "model/invitation_status.h"

namespace callexa {

struct CustomerState {
  // The newest invitation's status name (a later identify that was only
  // "recently_surveyed" must not hide an answer); without any invitation
  // "ignored" when the last identify created none, else "none".
  std::string state;
  // Why the last identify created no invitation (a SkipReasonName), or
  // empty when it did or there was none.
  std::string reason;
};

CustomerState DescribeCustomer(std::string_view last_decision,
                               std::optional<InvitationStatus> newest_invitation);

}  // namespace callexa

#endif  // CALLEXA_POLICY_CUSTOMER_STATE_H_
