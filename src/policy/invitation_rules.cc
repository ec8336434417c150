#include "policy/invitation_rules.h"

namespace callexa {

InvitationStatus StatusAfter(DeliveryRecord::Outcome outcome) {
  switch (outcome) {
    case DeliveryRecord::Outcome::kSent:
      return InvitationStatus::kSent;
    case DeliveryRecord::Outcome::kRetry:
      return InvitationStatus::kRetry;
    case DeliveryRecord::Outcome::kBounced:
      return InvitationStatus::kBounced;
    case DeliveryRecord::Outcome::kFailed:
      break;
  }
  return InvitationStatus::kFailed;
}

std::optional<int64_t> NextAttemptAfter(const DeliveryRecord &record) {
  if (record.outcome == DeliveryRecord::Outcome::kRetry) return record.retry_at;
  return std::nullopt;
}

bool CountsAsSurveyed(InvitationStatus status) {
  return status != InvitationStatus::kFailed && status != InvitationStatus::kBounced &&
         status != InvitationStatus::kSuppressed;
}

std::optional<SuppressionReason> SuppressionAfter(DeliveryRecord::Outcome outcome) {
  if (outcome == DeliveryRecord::Outcome::kBounced) return SuppressionReason::kBounced;
  return std::nullopt;
}

std::string SuppressedAtClaimNote(SuppressionReason reason) {
  return std::string("address ") + SuppressionReasonName(reason);
}

}  // namespace callexa
