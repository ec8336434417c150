// When a webhook event that was not delivered is tried again, and when it
// and its webhook are given up (README "Alerts, webhooks and the inbox").
#ifndef CALLEXA_POLICY_WEBHOOK_RETRY_H_
#define CALLEXA_POLICY_WEBHOOK_RETRY_H_

#include <cstdint>
#include <optional>

namespace callexa {

// An event is retried for this long after it was made, then failed.
constexpr int64_t kWebhookRetryWindowSeconds = 24 * 60 * 60;
// A webhook whose events have failed for this long without a success is
// disabled.
constexpr int64_t kWebhookDisableAfterSeconds = 3 * 24 * 60 * 60;

// The time of the next attempt after attempt number `attempts` (1 for the
// first) of an event made at `created_at` failed at `now` in a way worth
// retrying: 10 s, 1 min, 10 min, 1 h, then hourly; a Retry-After the
// endpoint sent is honoured instead (at least 1 s, at most an hour: an
// endpoint cannot park its queue for a day). nullopt once that time would
// be past the retry window: the event has failed.
std::optional<int64_t> WebhookRetryAt(int attempts, int64_t created_at, int64_t now,
                                      std::optional<int64_t> retry_after_seconds);

}  // namespace callexa

#endif  // CALLEXA_POLICY_WEBHOOK_RETRY_H_
