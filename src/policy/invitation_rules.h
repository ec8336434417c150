// How a delivery outcome changes an invitation and its address: the part
// of recording deliveries every backend shares.
#ifndef CALLEXA_POLICY_INVITATION_RULES_H_
#define CALLEXA_POLICY_INVITATION_RULES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "model/delivery.h"
#include "model/invitation_status.h"

namespace callexa {

// The status an invitation takes after `outcome`.
InvitationStatus StatusAfter(DeliveryRecord::Outcome outcome);

// When the scheduler looks at it again: the retry time for kRetry, never
// (nullopt) for a final outcome.
std::optional<int64_t> NextAttemptAfter(const DeliveryRecord &record);

// False for an invitation that ended unsent for good (failed, bounced,
// closed as suppressed): it counts against neither the survey's monthly
// budget nor its customer's re-survey interval, so a refused address or a
// fault of ours never locks a person out for months.
bool CountsAsSurveyed(InvitationStatus status);

// The suppression an outcome puts on the address for every survey:
// kBounced after a bounce, none otherwise.
std::optional<SuppressionReason> SuppressionAfter(DeliveryRecord::Outcome outcome);

// Why an invitation found suppressed at claim time was closed unsent
// (kSuppressed), as shown in its last_error: "address bounced".
std::string SuppressedAtClaimNote(SuppressionReason reason);

}  // namespace callexa

#endif  // CALLEXA_POLICY_INVITATION_RULES_H_
