// The alert step (README "Alerts"): lease the answers whose alert has
// settled (alerts/alert_rule.h), send each one's alert email to the
// survey's alert recipients through the mail transport, and record the
// outcome. A worker calls RunAlertMailStep from a pool thread on its timer.
#ifndef CALLEXA_ALERTS_ALERT_MAILER_H_
#define CALLEXA_ALERTS_ALERT_MAILER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mail/mail_from.h"
#include "mail/mail_transport.h"
#include "store/alert_store.h"
#include "store/survey_store.h"

namespace callexa {

struct AlertMailOptions {
  MailFrom sender;                // callexa_mail_from
  std::string message_id_domain;  // right side of every Message-ID
  // The admin UI's address ("https://nps.example/admin/"); the alert
  // links to "<it>#/surveys/<id>/customers/<customer id>". Empty: no link.
  std::string admin_url;
  std::string lease_owner;  // unique per worker process
  // A claimed alert stays ours this long: longer than sending it to 20
  // recipients can take, each within the SMTP timeout.
  int64_t lease_seconds = 1800;
  int64_t quiet_seconds = 120;  // callexa_alert_quiet_period
  int batch = 20;               // alerts claimed per step
};

// What an operator reads of a step in the error log.
struct AlertMailEvent {
  enum class Kind { kSent, kRetry, kFailed, kSkipped };
  Kind kind = Kind::kSent;
  std::string text;  // "alert of answer 12 (survey 3, Acme): ..."
};

struct AlertMailStepResult {
  Status status;  // a store error that stopped the step
  std::vector<AlertMailEvent> events;
};

// One step. `now` is the current Unix time (tests pass their own);
// `should_stop` is polled before each alert: once true, the step ends (a
// claimed alert not yet sent is put back for a retry at once). An alert
// goes out when at least one recipient's server accepted it (the others'
// refusals are its last error); it is tried again later only when none
// did and some failure was temporary. Never throws.
AlertMailStepResult RunAlertMailStep(SurveyStore *surveys, AlertStore *alerts,
                                     MailTransport *transport,
                                     const AlertMailOptions &options, int64_t now,
                                     const std::function<bool()> &should_stop);

}  // namespace callexa

#endif  // CALLEXA_ALERTS_ALERT_MAILER_H_
