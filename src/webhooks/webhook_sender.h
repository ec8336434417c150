// Posting one webhook request and judging its answer.
#ifndef CALLEXA_WEBHOOKS_WEBHOOK_SENDER_H_
#define CALLEXA_WEBHOOKS_WEBHOOK_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace callexa {

struct WebhookPost {
  std::string url;
  std::string body;  // sent as application/json
  std::vector<std::pair<std::string, std::string>> headers;
};

struct WebhookPostResult {
  enum class Outcome { kDelivered, kRetry, kFailed } outcome = Outcome::kRetry;
  int http_status = 0;  // 0: no HTTP answer
  // Why, for the log and the delivery log ("timed out after 10 s",
  // "HTTP 500", ...); empty when delivered.
  std::string error;
  // From Retry-After on 429/503 (seconds or an HTTP date), at most an hour.
  std::optional<int64_t> retry_after_seconds;
  int64_t latency_ms = 0;
};

// Classification: 2xx delivered; timeout, connection error, TLS error
// (transport_error), 429, 5xx retry; other 4xx, 1xx and 3xx (redirects are
// not followed) failed.
WebhookPostResult::Outcome ClassifyWebhookAnswer(int http_status, bool transport_error);

class WebhookSender {  // blocks: call on the jobs pool
 public:
  virtual ~WebhookSender() = default;
  virtual WebhookPostResult Post(const WebhookPost &post) = 0;
};

struct WebhookSenderOptions {
  bool allow_private_networks = false;
  long connect_timeout_ms = 5000;
  long total_timeout_ms = 10000;
  size_t max_response_body = 64 * 1024;  // read and kept; the rest is read and dropped
};

// libcurl: connect timeout 5 s, total 10 s, no redirects, response body read
// up to 64 KiB then dropped, every connected address checked with
// WebhookAddressAllowed in CURLOPT_OPENSOCKETFUNCTION (DNS rebinding cannot
// pass), CURLOPT_PROTOCOLS_STR https (+http when allowed), TLS verified.
// Thread safe: each Post uses its own easy handle. Initialises libcurl
// (EnsureCurlGlobalInit) if needed.
std::unique_ptr<WebhookSender> MakeCurlWebhookSender(bool allow_private_networks);
std::unique_ptr<WebhookSender> MakeCurlWebhookSender(const WebhookSenderOptions &options);

}  // namespace callexa

#endif  // CALLEXA_WEBHOOKS_WEBHOOK_SENDER_H_
