// When an answer's alert goes out (README "Alerts"). A customer clicks a
// score in the email, then usually writes a comment within a minute or
// two, and may change either: the alert waits until the answer has been
// quiet for the quiet period (each change starts it again), but never
// longer than five quiet periods after the alert was queued, so that a
// customer editing on and on still alerts. It then says what the answer
// is by then. Pure.
#ifndef CALLEXA_ALERTS_ALERT_RULE_H_
#define CALLEXA_ALERTS_ALERT_RULE_H_

#include <cstdint>

#include "store/alert_store.h"

namespace callexa {

// The longest wait, in quiet periods after the alert was queued.
constexpr int64_t kAlertMaxWaitQuietPeriods = 5;

// When an alert queued at `queued_at`, whose answer last changed at
// `last_change`, is due: min(last change + quiet, queued + 5 x quiet).
int64_t AlertDueAt(int64_t queued_at, int64_t last_change, int64_t quiet_seconds);

// The same rule as store cutoffs: an alert is due at `now` exactly when
// its last change <= quiet_before or it was queued <= queued_before.
AlertCutoffs AlertCutoffsAt(int64_t now, int64_t quiet_seconds);

}  // namespace callexa

#endif  // CALLEXA_ALERTS_ALERT_RULE_H_
