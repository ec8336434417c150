// Webhooks (README "Alerts, webhooks and the inbox"): the owner's
// endpoints per survey, and each one's queue of events. An event is
// enqueued in the transaction that saves its answer, with its body built
// then and its webhook-id kept on every retry; the delivery job leases the
// oldest pending event of each webhook (so one webhook's events go in
// order, a failing one holding back those after it) and records each
// attempt fenced by its number.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_WEBHOOK_STORE_H_
#define CALLEXA_STORE_WEBHOOK_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace callexa {

// A survey has at most this many webhooks.
constexpr int kMaxWebhooksPerSurvey = 10;
// The deliveries GET api/surveys/{id}/webhooks shows per webhook.
constexpr int kWebhookDeliveriesShown = 50;

struct Webhook {
  int64_t id = 0, survey_id = 0;
  std::string url;
  std::vector<std::string> events;  // "response.created", "response.updated"
  std::string format;               // "standard" | "slack"
  std::string secret;               // "whsec_..."
  int64_t created_at = 0;
  // Since when its deliveries have failed without one success between.
  std::optional<int64_t> failing_since;
  std::optional<int64_t> disabled_at;
  std::string disabled_reason;
};

// One event of a webhook as its delivery log shows it.
struct WebhookDeliveryView {
  int64_t id = 0;
  std::optional<int64_t> invitation_id;  // none for a test event
  std::string event_id, type;
  std::string status;  // "pending" | "delivered" | "failed"
  int attempts = 0;
  std::optional<int64_t> last_status;  // the HTTP status of the last attempt
  std::string last_error;
  std::optional<int64_t> latency_ms;
  int64_t created_at = 0;
  std::optional<int64_t> finished_at;
  int64_t next_attempt_at = 0;
};

// One event leased for an attempt by ClaimWebhookDeliveries.
struct WebhookClaim {
  int64_t delivery_id = 0, webhook_id = 0, survey_id = 0;
  std::string url, format, secret;
  std::string event_id, type, payload;
  int attempt = 0;  // including this one: the fence RecordWebhookAttempt checks
  int64_t created_at = 0;
};

struct WebhookAttempt {
  enum class Outcome { kDelivered, kRetry, kFailed };
  int64_t delivery_id = 0;
  int attempt = 0;  // WebhookClaim::attempt
  Outcome outcome = Outcome::kRetry;
  int http_status = 0;  // 0: no HTTP answer
  std::string error;
  std::optional<int64_t> retry_after_seconds;
  int64_t latency_ms = 0;
};

// What became of an attempt once recorded.
struct WebhookAttemptResult {
  bool recorded = false;  // false: the lease was lost, another owner has it
  // The event's state after it: kRetry while it waits for another attempt
  // (also a retryable answer past the 24 hours turns into kFailed).
  WebhookAttempt::Outcome state = WebhookAttempt::Outcome::kRetry;
  bool webhook_disabled = false;  // failing for 3 days: disabled by this attempt
};

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Adds `draft` (url, events, format, secret checked by the caller) to its
  // survey; NotFound for no such survey, InvalidArgument past
  // kMaxWebhooksPerSurvey.
  virtual Result<Webhook> CreateWebhook(const Webhook &draft, int64_t now) = 0;
  // The survey's webhooks, oldest first.
  virtual Result<std::vector<Webhook>> ListWebhooks(int64_t survey_id) = 0;
  // NotFound unless webhook `id` belongs to `survey_id`.
  virtual Result<Webhook> GetWebhook(int64_t survey_id, int64_t id) = 0;
  // Deletes the webhook with its deliveries.
  virtual Status DeleteWebhook(int64_t survey_id, int64_t id) = 0;
  // Replaces its secret; the next attempt of every event signs with it.
  virtual Result<Webhook> RotateWebhookSecret(int64_t survey_id, int64_t id,
                                              const std::string &secret) = 0;
  // Turns a disabled webhook on again with a clean record (no failing
  // streak); the events given up while it was off stay failed.
  virtual Result<Webhook> EnableWebhook(int64_t survey_id, int64_t id) = 0;
  // Its last `limit` events, newest first.
  virtual Result<std::vector<WebhookDeliveryView>> ListWebhookDeliveries(int64_t id,
                                                                         int limit) = 0;
  // Queues a "webhook.test" event with sample facts (no invitation) behind
  // the webhook's other events, whatever events it subscribes to. Its
  // webhook-id.
  virtual Result<std::string> EnqueueWebhookTest(int64_t survey_id, int64_t id,
                                                 int64_t now) = 0;
  // Leases up to `limit` due events to `owner` until now + lease_seconds:
  // of each enabled webhook only its oldest pending event, when due and not
  // leased (or its lease expired: its owner died).
  virtual Result<std::vector<WebhookClaim>> ClaimWebhookDeliveries(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) = 0;
  // Records an attempt of an event leased to `owner`, unless the lease or
  // the attempt (a later one by another owner) moved on. A retryable
  // outcome is tried again after a backoff (policy/webhook_retry.h) until
  // 24 hours after the event, then failed; a webhook whose events have
  // failed for 3 days is disabled.
  virtual Result<WebhookAttemptResult> RecordWebhookAttempt(const WebhookAttempt &attempt,
                                                            int64_t now,
                                                            const std::string &owner) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_WEBHOOK_STORE_H_
