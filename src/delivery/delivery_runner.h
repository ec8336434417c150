// The scheduler's unit of work: claim due invitations, render each email,
// send it and record the outcome. The glue calls RunDeliveryStep from a
// pool thread on one worker's timer, again at once while it reports more.
#ifndef CALLEXA_DELIVERY_DELIVERY_RUNNER_H_
#define CALLEXA_DELIVERY_DELIVERY_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mail/mail_transport.h"
#include "store/delivery_store.h"

namespace callexa {

struct DeliveryOptions {
  std::string survey_base_url;    // the survey pages, ending in "/"
  std::string sender_address;     // callexa_mail_from's address
  std::string sender_name;        // its display name; a survey's own wins
  std::string message_id_domain;  // right side of every Message-ID
  std::string lease_owner;        // unique per worker process
  int batch_size = 50;
  // A claimed invitation stays ours this long. A step stops sending after
  // half of it, so a slow server never lets a lease run out mid-step.
  int64_t lease_seconds = 600;
};

// An email that did not go out, and why: for the operator's log.
struct DeliveryProblem {
  DeliveryRecord::Outcome outcome;  // kRetry, kBounced or kFailed
  std::string cause;                // the server's answer or the error
};

struct DeliveryStepResult {
  Status status;  // a store error; sending errors are per invitation
  int claimed = 0, sent = 0, retried = 0, failed = 0, bounced = 0, released = 0;
  // Due, but put back to wait for their survey's send window (not claimed).
  int deferred = 0;
  bool more = false;                      // a full batch was claimed: more may be due now
  std::vector<DeliveryProblem> problems;  // in the order they happened
};

// The current Unix time.
using DeliveryClock = std::function<int64_t()>;

// One step. `clock` gives the current Unix time; `should_stop` is polled
// before each message: once it says true (nginx is quitting) the rest of
// the batch is released for the next owner, unsent. When the server is
// unreachable the rest of the batch waits for the same retry as the first.
// Blocks on the store and the transport. Never throws.
DeliveryStepResult RunDeliveryStep(DeliveryStore *store, MailTransport *transport,
                                   const DeliveryOptions &options,
                                   const DeliveryClock &clock,
                                   const std::function<bool()> &should_stop);

}  // namespace callexa

#endif  // CALLEXA_DELIVERY_DELIVERY_RUNNER_H_
