#include "model/invitation_status.h"

namespace callexa {
namespace {

constexpr InvitationStatus kAllStatuses[] = {
    InvitationStatus::kScheduled,  InvitationStatus::kQueued,
    InvitationStatus::kSending,    InvitationStatus::kRetry,
    InvitationStatus::kSent,       InvitationStatus::kAnswered,
    InvitationStatus::kBounced,    InvitationStatus::kFailed,
    InvitationStatus::kSuppressed,
};

}  // namespace

const char *InvitationStatusName(InvitationStatus status) {
  switch (status) {
    case InvitationStatus::kScheduled:
      return "scheduled";
    case InvitationStatus::kQueued:
      return "queued";
    case InvitationStatus::kSending:
      return "sending";
    case InvitationStatus::kRetry:
      return "retry";
    case InvitationStatus::kSent:
      return "sent";
    case InvitationStatus::kAnswered:
      return "answered";
    case InvitationStatus::kBounced:
      return "bounced";
    case InvitationStatus::kFailed:
      return "failed";
    case InvitationStatus::kSuppressed:
      return "suppressed";
  }
  return "failed";
}

std::optional<InvitationStatus> ParseInvitationStatus(std::string_view name) {
  for (InvitationStatus s : kAllStatuses) {
    if (name == InvitationStatusName(s)) return s;
  }
  return std::nullopt;
}

const char *SuppressionReasonName(SuppressionReason reason) {
  switch (reason) {
    case SuppressionReason::kBounced:
      return "bounced";
    case SuppressionReason::kErased:
      return "erased";
    case SuppressionReason::kUnsubscribed:
      break;
  }
  return "unsubscribed";
}

std::optional<SuppressionReason> ParseSuppressionReason(std::string_view name) {
  if (name == "bounced") return SuppressionReason::kBounced;
  if (name == "unsubscribed") return SuppressionReason::kUnsubscribed;
  if (name == "erased") return SuppressionReason::kErased;
  return std::nullopt;
}

}  // namespace callexa
