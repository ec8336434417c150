// One step of webhook delivery (README "Alerts, webhooks and the inbox"):
// lease the due events (the oldest pending of each webhook), sign and post
// each, record what became of it. Runs on the jobs pool: it blocks on the
// store and on the endpoints (each post is bounded by the sender).
#ifndef CALLEXA_DELIVERY_WEBHOOK_RUNNER_H_
#define CALLEXA_DELIVERY_WEBHOOK_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/webhook_store.h"
#include "webhooks/webhook_sender.h"

namespace callexa {

struct WebhookStepOptions {
  std::string lease_owner;  // host:pid:random
  int batch = 20;           // events leased per step
  // Longer than a post can take (the sender's 10 s bound) and the record
  // after it: a lease outlives a live attempt, and a dead worker's events
  // come back this long after it died.
  int64_t lease_seconds = 20;
};

// An attempt that did not deliver, for the error log.
struct WebhookProblem {
  int64_t webhook_id = 0;
  std::string host;   // of the URL only: a Slack URL's path is a secret
  std::string cause;  // the sender's error ("HTTP 500", "timed out after 10 s")
  WebhookAttempt::Outcome state = WebhookAttempt::Outcome::kRetry;  // after it
  bool disabled = false;  // the attempt disabled the webhook
};

struct WebhookStepResult {
  Status status;  // the store's failure, if any
  int claimed = 0, delivered = 0, retried = 0, failed = 0, lost = 0;
  std::vector<WebhookProblem> problems;
  // Something was delivered: the next event of that webhook may be due now.
  bool more = false;
};

// The headers of a Standard Webhooks attempt of `claim` at `timestamp`:
// webhook-id (the event's, the same on every retry), webhook-timestamp,
// webhook-signature. None for the Slack format.
Result<std::vector<std::pair<std::string, std::string>>> WebhookHeaders(
    const WebhookClaim &claim, int64_t timestamp);

WebhookStepResult RunWebhookStep(WebhookStore *store, WebhookSender *sender,
                                 const WebhookStepOptions &options,
                                 const std::function<int64_t()> &now,
                                 const std::function<bool()> &quitting);

}  // namespace callexa

#endif  // CALLEXA_DELIVERY_WEBHOOK_RUNNER_H_
