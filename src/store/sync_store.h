// The store's side of the sync-back to Segment (README "Sync-back to Segment"):
// which survey is due, which answers are pending, and the progress made.
//
// Progress is a cursor per survey over answers.change_seq: answers with
// change_seq <= cursor_seq are synced. The cursor only moves together with
// the counters, in the transaction that records a batch Segment accepted, so
// a crash loses nothing and repeats at most the batch in flight (harmless:
// its messageIds are stable).
//
// Thread safety and blocking as for Store: any thread, never the event loop.
#ifndef CALLEXA_STORE_SYNC_STORE_H_
#define CALLEXA_STORE_SYNC_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace callexa {

// A customer's most recent answer, to be sent as one identify.
struct SyncItem {
  int64_t invitation_id = 0;
  int64_t customer_id = 0;
  int64_t change_seq = 0;
  int64_t answered_at = 0;  // NPS_date
  int score = 0;
  std::string comment;
  std::string user_id, anonymous_id;  // both may be empty
};

// One survey leased to a worker for one step of its sync run.
struct SyncWork {
  int64_t survey_id = 0;
  std::string write_key;
  int64_t cursor_seq = 0;
  int failures = 0;          // consecutive retryable failures before this step
  bool run_started = false;  // this step began a new run
  // Customers with an answer changed after the cursor, this batch included.
  int64_t pending = 0;
  // The oldest pending items, by change_seq: each customer's latest answer.
  std::vector<SyncItem> items;
};

// What one step did, recorded by FinishSyncStep.
struct SyncStepRecord {
  enum class Outcome {
    kSent,         // Segment accepted the batch (or there was nothing to send)
    kRetry,        // temporary failure: try again at next_run_at
    kRejected,     // Segment refused (4xx): the run ends, the cursor stays
    kInterrupted,  // the worker is exiting: release the lease, record nothing,
                   // leave the survey due (run requested) for the next worker
  };
  Outcome outcome = Outcome::kSent;
  int64_t survey_id = 0;
  int64_t cursor_seq = 0;        // kSent: change_seq covered by this batch
  int64_t messages_sent = 0;     // kSent
  int64_t messages_skipped = 0;  // kSent: customers without userId/anonymousId
  int64_t requests_made = 0;     // HTTP requests this step made (0 or 1)
  bool run_complete = false;     // kSent: nothing was left after this batch
  int64_t next_run_at = 0;       // kRetry, kRejected, kSent with run_complete
  std::string error;             // kRetry, kRejected: what Segment or curl said
};

// What the admin API shows for a survey.
struct SyncStatus {
  int64_t survey_id = 0;
  bool enabled = false;  // the survey has a write key
  bool running = false;  // a run began and has not finished
  bool run_requested = false;
  std::optional<int64_t> last_run_started_at, last_run_finished_at, last_success_at;
  std::optional<int64_t> next_run_at;  // nullopt: due now
  int64_t cursor_seq = 0;
  int64_t messages_sent = 0;
  int64_t messages_skipped = 0;
  int64_t requests_made = 0;
  int failures = 0;
  std::string last_error;
  int64_t pending = 0;  // customers with an answer not yet synced
};

class SyncStore {
 public:
  virtual ~SyncStore() = default;

  // Leases to `owner` (until now + lease_seconds) the most overdue survey
  // that has a write key, is due (next_run_at unset or <= now, or a run was
  // requested) and is not leased by another owner, and loads up to `limit`
  // pending items. Clears run_requested; starts a run when none is going.
  // nullopt when nothing is due. The lease (job_leases 'sync:<id>') keeps
  // overlapping workers (reload) from sending the same batch twice.
  virtual Result<std::optional<SyncWork>> ClaimSyncWork(int64_t now,
                                                        const std::string &owner,
                                                        int64_t lease_seconds,
                                                        int limit) = 0;
  // Records a step of the survey leased to `owner` and releases the lease,
  // in one transaction. The cursor never moves backwards, so a record that
  // arrives after the lease expired and another owner progressed is safe.
  virtual Status FinishSyncStep(const SyncStepRecord &record, const std::string &owner,
                                int64_t now) = 0;

  // NotFound for an unknown survey.
  virtual Result<SyncStatus> GetSyncStatus(int64_t survey_id) = 0;
  // Makes the survey due now (POST api/surveys/{id}/sync).
  virtual Status RequestSyncRun(int64_t survey_id) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_SYNC_STORE_H_
