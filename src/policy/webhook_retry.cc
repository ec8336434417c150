#include "policy/webhook_retry.h"

#include <algorithm>

namespace callexa {

std::optional<int64_t> WebhookRetryAt(int attempts, int64_t created_at, int64_t now,
                                      std::optional<int64_t> retry_after_seconds) {
  static constexpr int64_t kDelays[] = {10, 60, 10 * 60, 60 * 60};
  constexpr int64_t kSteps = sizeof kDelays / sizeof kDelays[0];
  constexpr int64_t kMaxRetryAfter = 60 * 60;
  int64_t delay = kDelays[std::clamp<int64_t>(attempts, 1, kSteps) - 1];
  if (retry_after_seconds) {
    delay = std::clamp<int64_t>(*retry_after_seconds, 1, kMaxRetryAfter);
  }
  const int64_t at = now + delay;
  if (at > created_at + kWebhookRetryWindowSeconds) return std::nullopt;
  return at;
}

}  // namespace callexa
