// A reminder's states and what became of one the scheduler sent or tried
// to send (README "Reminders"): the reminder step reports it, the store
// records it and policy/reminder_rules.h reads it.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_REMINDER_H_
#define CALLEXA_MODEL_REMINDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callexa {

// At most one reminder per invitation; a row exists from its first claim.
enum class ReminderStatus {
  kQueued,   // due, waiting for its survey's send window to open
  kSending,  // leased to one worker, which is sending it
  kRetry,    // a temporary failure: tried again later
  kSent,     // the server accepted it
  kFailed,   // given up, or refused for good (a bounce)
  kSkipped,  // never sent: answered, unsubscribed, bounced or erased meanwhile
};

// "queued", "sending", ... as stored and shown by the admin API.
const char *ReminderStatusName(ReminderStatus status);
std::optional<ReminderStatus> ParseReminderStatus(std::string_view name);

// What became of one claimed reminder.
struct ReminderRecord {
  enum class Outcome { kSent, kRetry, kFailed, kBounced, kSkipped };
  int64_t invitation_id = 0;
  Outcome outcome = Outcome::kSent;
  int64_t retry_at = 0;  // kRetry: when to try again
  std::string error;     // why, for every outcome but kSent
  // The claim's attempt number: with the lease's owner, the fencing token
  // (as DeliveryRecord::attempt).
  int attempt = 0;
};

}  // namespace callexa

#endif  // CALLEXA_MODEL_REMINDER_H_
