#include "policy/eligibility.h"

#include "common/time_format.h"

namespace callexa {
namespace {

Decision Skip(SkipReason reason) {
  Decision d;
  d.reason = reason;
  return d;
}

}  // namespace

Decision DecideInvitation(const SurveyPolicy &policy, const CustomerHistory &history,
                          int64_t now) {
  if (history.unsubscribed) return Skip(SkipReason::kUnsubscribed);
  if (history.bounced) return Skip(SkipReason::kBounced);
  if (!policy.automation) return Skip(SkipReason::kAutomationOff);
  if (history.has_pending_invitation) return Skip(SkipReason::kPending);

  const int64_t min_delay = int64_t{policy.min_delay_days} * kSecondsPerDay;
  int64_t due_at = now + min_delay;
  if (policy.max_delay_days > 0 && history.created_at) {
    const int64_t age = now - *history.created_at;
    if (age > int64_t{policy.max_delay_days} * kSecondsPerDay) {
      return Skip(SkipReason::kTooOld);
    }
    // Due min days after creation; a customer already past that is due now.
    due_at = *history.created_at + min_delay;
    if (due_at < now) due_at = now;
  }

  if (history.last_surveyed_at &&
      now - *history.last_surveyed_at <
          int64_t{policy.resurvey_interval_days} * kSecondsPerDay) {
    return Skip(SkipReason::kRecentlySurveyed);
  }
  if (policy.monthly_budget && history.invitations_this_month >= *policy.monthly_budget) {
    return Skip(SkipReason::kOverBudget);
  }
  Decision d;
  d.schedule = true;
  d.due_at = due_at;
  return d;
}

const char *SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNone:
      return "";
    case SkipReason::kUnsubscribed:
      return "unsubscribed";
    case SkipReason::kBounced:
      return "bounced";
    case SkipReason::kAutomationOff:
      return "automation_off";
    case SkipReason::kPending:
      return "pending";
    case SkipReason::kTooOld:
      return "too_old";
    case SkipReason::kRecentlySurveyed:
      return "recently_surveyed";
    case SkipReason::kOverBudget:
      return "over_budget";
  }
  return "";
}

}  // namespace callexa
