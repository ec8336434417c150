// What the report email needs of the store: one run per survey and
// period, leased to the worker that sends it and recorded when it ends, so
// that a period's report goes out once even across reloads, restarts and
// a killed worker. The only case sent twice is the one every mail system
// has: the server accepted a message and the worker died before it could
// record that; the next owner then sends that one recipient's copy again.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_REPORT_RUN_STORE_H_
#define CALLEXA_STORE_REPORT_RUN_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/report_store.h"

namespace callexa {

enum class ReportRunStatus {
  kDue,      // created or leased; not finished
  kRetry,    // a recipient's server failed temporarily: again at retry_at
  kSent,     // every recipient was sent to (or refused it for good)
  kSkipped,  // no answers in the period: nothing sent
  kFailed,   // given up after too many attempts
};

const char *ReportRunStatusName(ReportRunStatus status);  // "due", "retry", ...
std::optional<ReportRunStatus> ParseReportRunStatus(std::string_view name);

// One survey's report of one period.
struct ReportRun {
  int64_t survey_id = 0;
  TimeSpan period;
  ReportRunStatus status = ReportRunStatus::kDue;
  int attempts = 0;  // finishes with kRetry so far
  // The recipients already handled (sent, or refused for good), in order:
  // a retry or the next owner sends only to the others.
  std::vector<std::string> handled;
  std::string last_error;
  std::optional<int64_t> finished_at;  // sent, skipped or failed
};

class ReportRunStore {
 public:
  virtual ~ReportRunStore() = default;

  // Leases the run of `survey_id` for `period` to `owner` until
  // now + lease_seconds, creating it when the period has none, and returns
  // it. nullopt when the run is finished (sent, skipped, failed), waits for
  // its retry time, or is leased to another owner whose lease has not run
  // out.
  virtual Result<std::optional<ReportRun>> ClaimReportRun(int64_t survey_id,
                                                          const TimeSpan &period,
                                                          const std::string &owner,
                                                          int64_t now,
                                                          int64_t lease_seconds) = 0;
  // Adds `recipient` to the handled recipients of the run leased to
  // `owner`. Conflict when the lease is no longer `owner`'s (it ran out and
  // another worker took the run): the caller stops sending.
  virtual Status RecordReportRecipient(int64_t survey_id, int64_t period_from,
                                       const std::string &owner,
                                       const std::string &recipient) = 0;
  // Ends `owner`'s lease with `status` (kRetry: again at `retry_at`, one
  // more attempt counted; kSent, kSkipped, kFailed: for good), keeping
  // `error` as the last error. Conflict when the lease is no longer
  // `owner`'s; nothing is changed then.
  virtual Status FinishReportRun(int64_t survey_id, int64_t period_from,
                                 const std::string &owner, ReportRunStatus status,
                                 const std::string &error, int64_t retry_at,
                                 int64_t now) = 0;
  // The survey's latest runs, newest period first.
  virtual Result<std::vector<ReportRun>> ListReportRuns(int64_t survey_id, int limit) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_REPORT_RUN_STORE_H_
