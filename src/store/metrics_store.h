// The figures /metrics shows, read from the database so that every worker
// (and a worker started after a reload) reports the same values.
//
// Thread safety and blocking as for Store: any thread, never the event loop.
#ifndef CALLEXA_STORE_METRICS_STORE_H_
#define CALLEXA_STORE_METRICS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace callexa {

struct MetricsSnapshot {
  struct Count {
    int64_t survey_id = 0;  // 0 when the count is installation-wide
    std::string label;      // invitation status or suppression reason
    int64_t value = 0;
  };
  struct SurveySync {
    int64_t survey_id = 0;
    int64_t messages_sent = 0;
    int64_t requests_made = 0;
    int64_t pending = 0;
    std::optional<int64_t> last_success_at;
  };
  // Per survey and status; "scheduled" counts invitations not yet created.
  std::vector<Count> invitations;
  std::vector<Count> answers;       // per survey; label empty
  std::vector<Count> suppressions;  // per reason; survey_id 0
  std::vector<SurveySync> sync;     // surveys with a write key
  std::string backend;              // "sqlite" or "postgresql"
  int64_t database_bytes = 0;       // the database's size, all its pages
  // Invitations claimed after another worker's or host's lease on them
  // expired (it died, or stalled, while sending).
  int64_t lease_takeovers = 0;
  // When the longest-waiting due invitation (queued, retrying, or still on
  // its customer row with automation on) became due; unset when none is.
  // Against the current time: how far behind the scheduler is.
  std::optional<int64_t> oldest_due_at;
  int64_t read_at = 0;  // the `now` it was read for
};

class MetricsStore {
 public:
  virtual ~MetricsStore() = default;
  // The snapshot at Unix time `now` (which invitations are due).
  virtual Result<MetricsSnapshot> ReadMetrics(int64_t now) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_METRICS_STORE_H_
