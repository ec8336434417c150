#include "policy/reminder_rules.h"

#include <utility>

#include "policy/invitation_rules.h"

namespace callexa {
namespace {

ReminderDecision Decision(ReminderDecision::Kind kind, std::string reason,
                          int64_t due_at = 0) {
  ReminderDecision d;
  d.kind = kind;
  d.reason = std::move(reason);
  d.due_at = due_at;
  return d;
}

}  // namespace

ReminderDecision DecideReminder(const ReminderFacts &f, int64_t now) {
  using Kind = ReminderDecision::Kind;
  if (f.reminder &&
      (*f.reminder == ReminderStatus::kSent || *f.reminder == ReminderStatus::kFailed ||
       *f.reminder == ReminderStatus::kSkipped)) {
    return Decision(Kind::kNotDue,
                    std::string("reminder already ") + ReminderStatusName(*f.reminder));
  }
  if (f.invitation_status == InvitationStatus::kAnswered || f.answered_at) {
    return Decision(Kind::kSkip, "answered");
  }
  if (f.suppression) return Decision(Kind::kSkip, SuppressedAtClaimNote(*f.suppression));
  if (f.invitation_status != InvitationStatus::kSent || !f.sent_at) {
    return Decision(Kind::kNotDue, "survey email not sent");
  }
  if (!f.reminder_after_days) return Decision(Kind::kNotDue, "reminders are off");
  if (f.archived) return Decision(Kind::kNotDue, "survey archived");
  if (!f.automation) return Decision(Kind::kNotDue, "automation is off");
  const int64_t due_at = *f.sent_at + int64_t{*f.reminder_after_days} * 86400;
  if (now < due_at) return Decision(Kind::kNotDue, "not due yet", due_at);
  if (now + kReminderMinLinkSeconds > f.links_expire_at) {
    return Decision(Kind::kSkip, "links expired", due_at);
  }
  if (!f.reminder && now - due_at > kReminderLateSeconds) {
    return Decision(Kind::kSkip, "too late", due_at);
  }
  return Decision(Kind::kDue, "", due_at);
}

ReminderStatus ReminderStatusAfter(ReminderRecord::Outcome outcome) {
  switch (outcome) {
    case ReminderRecord::Outcome::kSent:
      return ReminderStatus::kSent;
    case ReminderRecord::Outcome::kRetry:
      return ReminderStatus::kRetry;
    case ReminderRecord::Outcome::kFailed:
    case ReminderRecord::Outcome::kBounced:
      return ReminderStatus::kFailed;
    case ReminderRecord::Outcome::kSkipped:
      return ReminderStatus::kSkipped;
  }
  return ReminderStatus::kFailed;
}

}  // namespace callexa
