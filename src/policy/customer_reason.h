// Why a customer was not surveyed, in words for the owner ("surveyed 40
// days ago; next possible on 2027-03-02"), from the reason code the last
// identify recorded (SkipReasonName) and the survey's policy. The one
// place this wording lives; the admin API sends it as reason_text.
#ifndef CALLEXA_POLICY_CUSTOMER_REASON_H_
#define CALLEXA_POLICY_CUSTOMER_REASON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/survey.h"

namespace callexa {

struct ReasonFacts {
  std::optional<int64_t> created_at;        // when the customer signed up
  std::optional<int64_t> last_surveyed_at;  // when the last invitation was sent
};

// Empty for an empty reason; an unknown code as it is.
std::string ExplainSkipReason(std::string_view reason, const SurveyPolicy &policy,
                              const ReasonFacts &facts, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_POLICY_CUSTOMER_REASON_H_
