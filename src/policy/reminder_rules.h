// Whether an invitation's reminder goes out now (README "Reminders"): the
// one rule the store applies when it claims reminders and the reminder
// step applies again just before sending. Pure.
#ifndef CALLEXA_POLICY_REMINDER_RULES_H_
#define CALLEXA_POLICY_REMINDER_RULES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "model/invitation_status.h"
#include "model/reminder.h"

namespace callexa {

// The survey setting reminder_after_days is null (off) or in this range.
constexpr int kMinReminderDays = 1;
constexpr int kMaxReminderDays = 30;

// A reminder that has not started this long after it fell due (reminders
// switched on for old invitations, automation paused for weeks) is skipped:
// a reminder weeks after the email reads as spam. Once started, retries
// and the send window may take it later.
constexpr int64_t kReminderLateSeconds = 7 * 86400;

// The links a reminder carries must work at least this much longer.
constexpr int64_t kReminderMinLinkSeconds = 86400;

// What the store knows about one invitation when deciding.
struct ReminderFacts {
  std::optional<int> reminder_after_days;  // the survey's; unset: off
  bool automation = false;                 // the survey's
  bool archived = false;
  InvitationStatus invitation_status = InvitationStatus::kSent;
  std::optional<int64_t> sent_at;                // the survey email's
  std::optional<int64_t> answered_at;            // the last answer's
  std::optional<SuppressionReason> suppression;  // of the address, if any
  // When the survey email's links (which the reminder repeats) expire.
  int64_t links_expire_at = 0;
  // The invitation's reminder row, if it has one.
  std::optional<ReminderStatus> reminder;
};

struct ReminderDecision {
  enum class Kind {
    kDue,     // send it now
    kNotDue,  // nothing to do now: not yet due, paused, or done already
    kSkip,    // never: record it as skipped, with `reason`
  };
  Kind kind = Kind::kNotDue;
  std::string reason;  // kNotDue and kSkip: "answered", "address bounced", ...
  int64_t due_at = 0;  // sent_at + the delay, once the email is sent
};

// In this order: a finished reminder (sent, failed, skipped) is never
// followed by another; an answer, or a suppressed address, skips it; it
// waits for the survey email to be sent, reminders on, automation on and
// the survey not archived; it is due reminder_after_days days after
// sent_at; it is skipped when the links expire within
// kReminderMinLinkSeconds, or when it has not started kReminderLateSeconds
// after falling due.
ReminderDecision DecideReminder(const ReminderFacts &facts, int64_t now);

// The status a reminder takes after `outcome` (a bounce fails it).
ReminderStatus ReminderStatusAfter(ReminderRecord::Outcome outcome);

}  // namespace callexa

#endif  // CALLEXA_POLICY_REMINDER_RULES_H_
