// What the alert email needs of the store (README "Alerts"): SaveAnswer
// queues an answer that alerts (in its own transaction); the alert step
// leases the settled ones, sends, and records the outcome. An alert is
// sent once: the lease is fenced by the attempt count, so a worker whose
// lease ran out (and was taken over) can no longer record anything. The
// only case sent twice is the one every mail system has: the server
// accepted the message and the worker died before it could record that;
// the copy sent again carries the same Message-ID.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_ALERT_STORE_H_
#define CALLEXA_STORE_ALERT_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/answer.h"
#include "model/survey.h"

namespace callexa {

// One settled answer leased for its alert, as it stands now.
struct AlertClaim {
  int64_t invitation_id = 0;
  int64_t survey_id = 0;
  int64_t customer_id = 0;
  int attempts = 0;  // including this one: the fence for FinishAlert
  StoredAnswer answer;
  std::string email, first_name, last_name, name, user_id;
  std::string traits_json = "{}";  // the customer's traits as stored
};

enum class AlertOutcome {
  kSent,     // for good
  kRetry,    // again at retry_at
  kFailed,   // given up (or refused for good)
  kSkipped,  // the answer or the survey's settings no longer alert
};

// Which alerts have settled (alerts/alert_rule.h): the answer last changed
// at or before `quiet_before`, or its alert was queued at or before
// `queued_before` (a bound on how long edits can put it off).
struct AlertCutoffs {
  int64_t quiet_before = 0;
  int64_t queued_before = 0;
};

// surveys.alerts as stored ({"on": "detractors", "recipients": [...]});
// anything unreadable reads as off.
AlertSettings ReadAlertSettings(std::string_view stored);
std::string DumpAlertSettings(const AlertSettings &alerts);

class AlertStore {
 public:
  virtual ~AlertStore() = default;
  // Leases to `owner` until now + lease_seconds up to `limit` due alerts
  // that have settled and wait for no retry, oldest first: neither leased
  // nor leased to a lease that ran out. Each claim counts an attempt.
  virtual Result<std::vector<AlertClaim>> ClaimSettledAlerts(const std::string &owner,
                                                             const AlertCutoffs &cutoffs,
                                                             int64_t now,
                                                             int64_t lease_seconds,
                                                             int limit) = 0;
  // Ends the lease of `attempts` by `owner` (kRetry: due again at
  // `retry_at`); Conflict when it is no longer theirs: nothing changes.
  virtual Status FinishAlert(int64_t invitation_id, const std::string &owner,
                             int attempts, AlertOutcome outcome, const std::string &error,
                             int64_t retry_at, int64_t now) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_ALERT_STORE_H_
