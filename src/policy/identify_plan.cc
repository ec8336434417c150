#include "policy/identify_plan.h"

namespace callexa {

IdentifyPlan PlanIdentify(const SurveyPolicy &policy, const IdentifyMessage &m,
                          const StoredCustomerHistory &stored, int64_t now) {
  CustomerHistory history;
  history.created_at = m.created_at ? m.created_at : stored.created_at;
  history.has_pending_invitation = stored.has_pending_invitation;
  history.last_surveyed_at = stored.last_surveyed_at;
  // An erased person counts as unsubscribed: never surveyed again.
  history.unsubscribed = stored.suppression == SuppressionReason::kUnsubscribed ||
                         stored.suppression == SuppressionReason::kErased;
  history.bounced = stored.suppression == SuppressionReason::kBounced;
  history.invitations_this_month = stored.invitations_this_month;

  const Decision d = DecideInvitation(policy, history, now);
  IdentifyPlan plan;
  plan.decision = d.schedule ? "scheduled" : SkipReasonName(d.reason);
  if (d.schedule) plan.pending_due_at = d.due_at;
  plan.counts_invitation = d.schedule;
  return plan;
}

}  // namespace callexa
