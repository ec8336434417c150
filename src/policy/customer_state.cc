#include "policy/customer_state.h"

namespace callexa {

CustomerState DescribeCustomer(std::string_view last_decision,
                               std::optional<InvitationStatus> newest_invitation) {
  CustomerState c;
  // "pending" means the identify found the invitation already scheduled:
  // not a reason to show, the invitation itself is.
  if (!last_decision.empty() && last_decision != "scheduled" &&
      last_decision != "pending") {
    c.reason = std::string(last_decision);
  }
  if (newest_invitation) {
    c.state = InvitationStatusName(*newest_invitation);
  } else {
    c.state = c.reason.empty() ? "none" : "ignored";
  }
  return c;
}

}  // namespace callexa
