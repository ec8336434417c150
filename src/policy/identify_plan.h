// What one identify changes on its customer row, decided from what the
// store read before it: the part of ingestion every backend shares. The
// backend reads the history, calls PlanIdentify, and writes the plan.
#ifndef CALLEXA_POLICY_IDENTIFY_PLAN_H_
#define CALLEXA_POLICY_IDENTIFY_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "model/identify.h"
#include "model/invitation_status.h"
#include "policy/eligibility.h"

namespace callexa {

// The customer as stored before the identify (absent: all defaults).
struct StoredCustomerHistory {
  std::optional<int64_t> created_at;
  bool has_pending_invitation = false;
  std::optional<int64_t> last_surveyed_at;
  std::optional<SuppressionReason> suppression;  // of the address, any survey
  int64_t invitations_this_month = 0;            // the survey's, for the budget
};

struct IdentifyPlan {
  // Recorded as the customer's last decision: "scheduled" or the
  // SkipReasonName of why not.
  std::string decision;
  // Set when the identify schedules an invitation: when it is due. The
  // backend keeps an already pending due time (never two pending).
  std::optional<int64_t> pending_due_at;
  // Whether the invitation counts against this month's budget.
  bool counts_invitation = false;
};

// The plan for identify `m` at `now`. The message's createdAt, when given,
// replaces the stored one before the policy is asked.
IdentifyPlan PlanIdentify(const SurveyPolicy &policy, const IdentifyMessage &m,
                          const StoredCustomerHistory &stored, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_POLICY_IDENTIFY_PLAN_H_
