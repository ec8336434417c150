// The report email job: for every survey with a report cadence and
// recipients, claim the run of its last completed period, build the
// report, and send it to each recipient not yet handled; a period without
// answers is recorded as skipped, not sent empty. Worker 0 calls
// RunReportMailStep from a pool thread on its timer.
#ifndef CALLEXA_REPORTS_REPORT_MAILER_H_
#define CALLEXA_REPORTS_REPORT_MAILER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mail/mail_from.h"
#include "mail/mail_transport.h"
#include "store/follow_up_store.h"
#include "store/report_run_store.h"
#include "store/report_store.h"
#include "store/survey_store.h"

namespace callexa {

struct ReportMailOptions {
  MailFrom sender;                // callexa_mail_from
  std::string message_id_domain;  // right side of every Message-ID
  // The admin UI's address ("https://nps.example/admin/"); the report links
  // to "<it>#/surveys/<id>/dashboard". Empty: no link.
  std::string admin_url;
  std::string lease_owner;  // unique per worker process
  // The inbox's figures for the report; null: the report leaves them out.
  FollowUpStore *follow_ups = nullptr;
  // A claimed run stays ours this long: longer than sending to every
  // recipient can take (20 recipients, each within the SMTP timeout).
  int64_t lease_seconds = 1800;
};

// What an operator reads of a step in the error log.
struct ReportMailEvent {
  enum class Kind {
    kSent,     // a period's report went to its recipients
    kSkipped,  // no answers in the period
    kRetry,    // a recipient's server failed temporarily
    kBounced,  // a recipient was refused for good (the others still get it)
    kFailed,   // given up, or the store failed
  };
  Kind kind = Kind::kSent;
  std::string text;  // "survey 3 (Acme), the week of 23 Nov 2026: ..."
};

struct ReportMailStepResult {
  Status status;  // a store error that stopped the step
  int emails_sent = 0;
  std::vector<ReportMailEvent> events;
};

// One step over every survey. `now` is the current Unix time (tests pass
// their own); `should_stop` is polled before each message: once true, the
// run is put back for a retry at once and the step ends. Never throws.
ReportMailStepResult RunReportMailStep(SurveyStore *surveys, ReportStore *reports,
                                       ReportRunStore *runs, MailTransport *transport,
                                       const ReportMailOptions &options, int64_t now,
                                       const std::function<bool()> &should_stop);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_REPORT_MAILER_H_
