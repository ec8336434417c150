#include "delivery/webhook_runner.h"

#include <utility>

#include "webhooks/webhook_signature.h"

namespace callexa {
namespace {

std::string HostOf(const std::string &url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  return url.substr(start, url.find_first_of("/?#", start) - start);
}

WebhookAttempt::Outcome OutcomeOf(WebhookPostResult::Outcome o) {
  switch (o) {
    case WebhookPostResult::Outcome::kDelivered:
      return WebhookAttempt::Outcome::kDelivered;
    case WebhookPostResult::Outcome::kFailed:
      return WebhookAttempt::Outcome::kFailed;
    case WebhookPostResult::Outcome::kRetry:
      break;
  }
  return WebhookAttempt::Outcome::kRetry;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> WebhookHeaders(
    const WebhookClaim &claim, int64_t timestamp) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (claim.format != "standard") return headers;
  auto signature =
      StandardSignature(claim.secret, claim.event_id, timestamp, claim.payload);
  if (!signature.ok()) return signature.status();
  headers = {{"webhook-id", claim.event_id},
             {"webhook-timestamp", std::to_string(timestamp)},
             {"webhook-signature", *signature}};
  return headers;
}

WebhookStepResult RunWebhookStep(WebhookStore *store, WebhookSender *sender,
                                 const WebhookStepOptions &options,
                                 const std::function<int64_t()> &now,
                                 const std::function<bool()> &quitting) {
  WebhookStepResult r;
  auto claims = store->ClaimWebhookDeliveries(now(), options.batch, options.lease_seconds,
                                              options.lease_owner);
  if (!claims.ok()) {
    r.status = claims.status();
    return r;
  }
  r.claimed = static_cast<int>(claims->size());
  for (const WebhookClaim &c : *claims) {
    // The rest come back to the next worker when their leases expire.
    if (quitting && quitting()) break;
    WebhookAttempt a;
    a.delivery_id = c.delivery_id;
    a.attempt = c.attempt;
    auto headers = WebhookHeaders(c, now());
    if (!headers.ok()) {
      a.outcome = WebhookAttempt::Outcome::kFailed;
      a.error = "not signed: " + headers.status().message();
    } else {
      const WebhookPostResult posted = sender->Post({c.url, c.payload, *headers});
      a.outcome = OutcomeOf(posted.outcome);
      a.http_status = posted.http_status;
      a.error = posted.error;
      a.retry_after_seconds = posted.retry_after_seconds;
      a.latency_ms = posted.latency_ms;
    }
    auto recorded = store->RecordWebhookAttempt(a, now(), options.lease_owner);
    if (!recorded.ok()) {
      r.status = recorded.status();
      return r;
    }
    if (!recorded->recorded) {
      ++r.lost;  // its lease expired meanwhile: another worker has it
      continue;
    }
    switch (recorded->state) {
      case WebhookAttempt::Outcome::kDelivered:
        ++r.delivered;
        r.more = true;
        continue;
      case WebhookAttempt::Outcome::kRetry:
        ++r.retried;
        break;
      case WebhookAttempt::Outcome::kFailed:
        ++r.failed;
        break;
    }
    r.problems.push_back({c.webhook_id, HostOf(c.url), a.error, recorded->state,
                          recorded->webhook_disabled});
  }
  return r;
}

}  // namespace callexa
