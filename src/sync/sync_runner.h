// The sync-back job, one bounded step at a time: lease one due survey, send
// one batch of its pending answers to Segment, record the outcome. The glue
// calls RunSyncStep from a pool thread while it reports more work, and
// again from its periodic timer. A step never sleeps: a failure records
// when to try again (Retry-After or backoff) and returns, so the worker can
// exit promptly on nginx -s quit.
#ifndef CALLEXA_SYNC_SYNC_RUNNER_H_
#define CALLEXA_SYNC_SYNC_RUNNER_H_

#include <cstdint>
#include <string>

#include "store/sync_store.h"
#include "sync/segment_client.h"
#include "sync/sync_message.h"

namespace callexa {

struct SyncOptions {
  std::string api_url = "https://api.segment.io/v1";  // batches go to api_url/batch
  std::string owner;                 // lease owner: unique per worker process
  int64_t interval_seconds = 86400;  // from a complete run to the next
  int64_t lease_seconds = 120;       // longer than one request may take
  size_t max_batch_bytes = kSyncMaxBatchBytes;
  size_t max_batch_messages = kSyncMaxBatchMessages;
};

struct SyncStepResult {
  enum class Level { kNone, kInfo, kWarn, kError };
  bool more_work = false;  // call RunSyncStep again now
  Level level = Level::kNone;
  std::string log_line;  // "callexa: sync survey 3: 2500 messages sent, 97500 left"
};

// One step; never throws. `now` is Unix seconds.
SyncStepResult RunSyncStep(SyncStore *store, SegmentClient *client,
                           const SyncOptions &options, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_SYNC_SYNC_RUNNER_H_
