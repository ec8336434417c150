// The reminder step (README "Reminders"): claim due reminders, look once
// more whether each is still wanted, render it (the survey email's links
// under the reminder's subject and intro), send it and record the outcome.
// The glue runs it right after each survey email step, on the same worker,
// transport and options.
#ifndef CALLEXA_DELIVERY_REMINDER_RUNNER_H_
#define CALLEXA_DELIVERY_REMINDER_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delivery/delivery_runner.h"
#include "mail/mail_transport.h"
#include "store/reminder_store.h"

namespace callexa {

struct ReminderStepResult {
  Status status;  // a store error; sending errors are per reminder
  int claimed = 0, sent = 0, retried = 0, failed = 0, bounced = 0, skipped = 0,
      released = 0;
  bool more = false;                      // a full batch was claimed: more may be due now
  std::vector<DeliveryProblem> problems;  // kRetry, kBounced, kFailed, in order
};

// One step, with RunDeliveryStep's contract: `should_stop` is polled before
// each message, a stopping worker gives the rest back unsent, an
// unreachable server retries the rest with the first. Before each message
// the store is asked again (CheckReminder): one answered, unsubscribed or
// bounced since the claim is recorded as skipped, unsent. Blocks on the
// store and the transport. Never throws.
ReminderStepResult RunReminderStep(ReminderStore *store, MailTransport *transport,
                                   const DeliveryOptions &options,
                                   const DeliveryClock &clock,
                                   const std::function<bool()> &should_stop);

// The reminder of one claim as a complete message (for the step, and for
// tests that look at it): `claim`'s survey content with the reminder's
// subject and intro, the survey email's links (made for
// claim.survey_sent_at), its own Message-ID, In-Reply-To the survey
// email's.
Result<OutgoingMail> RenderReminder(const ReminderClaim &claim,
                                    const DeliveryOptions &options,
                                    const std::string &secret, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_DELIVERY_REMINDER_RUNNER_H_
