// Who is due a survey, and when: the rules of the Callexa destination
// (README "Who is due a survey"). Pure functions of their arguments.
#ifndef CALLEXA_POLICY_ELIGIBILITY_H_
#define CALLEXA_POLICY_ELIGIBILITY_H_

#include <cstdint>
#include <optional>

#include "model/survey.h"

namespace callexa {

// What the store knows about one customer of one survey at identify time.
struct CustomerHistory {
  std::optional<int64_t> created_at;
  bool unsubscribed = false;
  bool bounced = false;
  bool has_pending_invitation = false;      // scheduled, not yet sent
  std::optional<int64_t> last_surveyed_at;  // when the last survey was sent
  int64_t invitations_this_month = 0;       // for the whole survey
};

enum class SkipReason {
  kNone,
  kUnsubscribed,
  kBounced,
  kAutomationOff,
  kPending,
  kTooOld,
  kRecentlySurveyed,
  kOverBudget,
};

struct Decision {
  bool schedule = false;
  int64_t due_at = 0;  // Unix seconds; meaningful when schedule
  SkipReason reason = SkipReason::kNone;
};

// Decides what an identify at `now` does for this customer.
Decision DecideInvitation(const SurveyPolicy &policy, const CustomerHistory &history,
                          int64_t now);

// Stable snake_case name recorded in the database and shown by the admin API.
const char *SkipReasonName(SkipReason reason);

}  // namespace callexa

#endif  // CALLEXA_POLICY_ELIGIBILITY_H_
