// The states an invitation goes through, and why an address is suppressed.
// Stored by name (see the *Name functions), so that the database reads the
// same to every backend and to an operator with the sqlite3 shell.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_INVITATION_STATUS_H_
#define CALLEXA_MODEL_INVITATION_STATUS_H_

#include <optional>
#include <string_view>

namespace callexa {

enum class InvitationStatus {
  kScheduled,   // due later; only the customer row knows it (no invitation yet)
  kQueued,      // created, waiting for the scheduler
  kSending,     // leased to one worker, which is sending it
  kRetry,       // a temporary failure: tried again later
  kSent,        // the server accepted it
  kAnswered,    // the customer answered (no further attempt)
  kBounced,     // the server refused the address for good
  kFailed,      // given up (too many attempts, or it cannot be rendered)
  kSuppressed,  // closed unsent: the address unsubscribed or bounced meanwhile
};

// "scheduled", "queued", ... as stored and shown by the admin API.
const char *InvitationStatusName(InvitationStatus status);
// The status named `name`; nullopt for any other text.
std::optional<InvitationStatus> ParseInvitationStatus(std::string_view name);

enum class SuppressionReason {
  kUnsubscribed,  // the person asked: one click, the page, or RFC 8058
  kBounced,       // a permanent delivery failure
  // The person's data was erased on request (POST api/erasure): kept under
  // ErasedEmailKey, never the address itself.
  kErased,
};

const char *SuppressionReasonName(SuppressionReason reason);
std::optional<SuppressionReason> ParseSuppressionReason(std::string_view name);

}  // namespace callexa

#endif  // CALLEXA_MODEL_INVITATION_STATUS_H_
