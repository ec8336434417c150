// What became of one invitation the scheduler sent or tried to send, as
// the delivery step reports it, the store records it and
// policy/invitation_rules.h reads it.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_DELIVERY_H_
#define CALLEXA_MODEL_DELIVERY_H_

#include <cstdint>
#include <string>

namespace callexa {

// What became of one claimed invitation.
struct DeliveryRecord {
  enum class Outcome { kSent, kRetry, kFailed, kBounced };
  int64_t invitation_id = 0;
  Outcome outcome = Outcome::kSent;
  int64_t retry_at = 0;  // kRetry: when to try again
  std::string error;     // kRetry, kFailed, kBounced: the server's answer
  // The claim's attempt number: with the lease's owner, the fencing token.
  // The outcome is recorded only while the invitation is still on this
  // attempt, so a sender whose lease expired cannot record over the one
  // that took it over, even in the same process (0: no check).
  int attempt = 0;
};

}  // namespace callexa

#endif  // CALLEXA_MODEL_DELIVERY_H_
