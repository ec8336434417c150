#include "alerts/alert_rule.h"

#include <algorithm>

namespace callexa {

int64_t AlertDueAt(int64_t queued_at, int64_t last_change, int64_t quiet_seconds) {
  return std::min(last_change + quiet_seconds,
                  queued_at + kAlertMaxWaitQuietPeriods * quiet_seconds);
}

AlertCutoffs AlertCutoffsAt(int64_t now, int64_t quiet_seconds) {
  return {now - quiet_seconds, now - kAlertMaxWaitQuietPeriods * quiet_seconds};
}

}  // namespace callexa
