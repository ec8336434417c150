#include "webhooks/webhook_sender.h"

#include <curl/curl.h>
#include <strings.h>
#include <sys/socket.h>

#include <chrono>
#include <ctime>

#include "common/curl_global.h"
#include "sync/segment_client.h"  // ParseRetryAfter
#include "webhooks/webhook_target.h"

namespace callexa {
namespace {

struct Transfer {
  bool allow_private_networks = false;
  size_t max_body = 0;
  size_t body_bytes = 0;
  bool body_cut = false;    // we stopped reading past max_body
  std::string refused;      // why OnOpenSocket refused an address
  std::string retry_after;  // the last Retry-After header
};

size_t OnBody(char *, size_t size, size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  const size_t n = size * count;
  // Nothing reads the answer's body; past the limit the transfer stops, so
  // an endless body costs neither time nor memory. The status is known by
  // then and decides.
  t->body_bytes += n;
  if (t->body_bytes > t->max_body) {
    t->body_cut = true;
    return 0;
  }
  return n;
}

size_t OnHeader(char *data, size_t size, size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  const size_t n = size * count;
  constexpr char kName[] = "retry-after:";
  constexpr size_t kNameLen = sizeof kName - 1;
  if (n >= 5 && strncasecmp(data, "HTTP/", 5) == 0) {
    t->retry_after.clear();  // a new response (after a 1xx): forget the last one's
  } else if (n > kNameLen && strncasecmp(data, kName, kNameLen) == 0) {
    t->retry_after.assign(data + kNameLen, n - kNameLen);
    while (!t->retry_after.empty() &&
           (t->retry_after.back() == '\r' || t->retry_after.back() == '\n')) {
      t->retry_after.pop_back();
    }
  }
  return n;
}

// Every address libcurl is about to connect to, after DNS: the only check
// DNS rebinding cannot pass.
curl_socket_t OnOpenSocket(void *user, curlsocktype purpose, curl_sockaddr *address) {
  auto *t = static_cast<Transfer *>(user);
  const auto *addr = reinterpret_cast<const sockaddr *>(&address->addr);
  if (purpose != CURLSOCKTYPE_IPCXN ||
      !WebhookAddressAllowed(addr, t->allow_private_networks)) {
    t->refused = "address " + WebhookAddressText(addr) +
                 (t->allow_private_networks
                      ? " may never be used by a webhook"
                      : " is a private network address; callexa_webhook_private_networks "
                        "allows it");
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::string Seconds(long ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

bool HasLineBreak(const std::string &s) { return s.find_first_of("\r\n") != s.npos; }

class CurlWebhookSender : public WebhookSender {
 public:
  explicit CurlWebhookSender(const WebhookSenderOptions &options) : options_(options) {}

  WebhookPostResult Post(const WebhookPost &post) override {
    WebhookPostResult result;
    Status init = EnsureCurlGlobalInit();
    if (!init.ok()) return Fail(Outcome::kRetry, "libcurl: " + init.ToLogString());
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                             curl_easy_cleanup);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        nullptr, curl_slist_free_all);
    if (!curl) return Fail(Outcome::kRetry, "curl_easy_init failed");
    std::vector<std::string> lines = {"Content-Type: application/json", "Expect:"};
    for (const auto &[name, value] : post.headers) {
      if (HasLineBreak(name) || HasLineBreak(value) || name.empty()) {
        return Fail(Outcome::kFailed, "invalid header " + name);
      }
      lines.push_back(name + ": " + value);
    }
    for (const std::string &line : lines) {
      curl_slist *next = curl_slist_append(headers.get(), line.c_str());
      if (next == nullptr) return Fail(Outcome::kRetry, "out of memory");
      headers.release();
      headers.reset(next);
    }

    Transfer t;
    t.allow_private_networks = options_.allow_private_networks;
    t.max_body = options_.max_response_body;
    char error[CURL_ERROR_SIZE] = "";
    CURL *c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                     options_.allow_private_networks ? "http,https" : "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    // A proxy from the environment would be the peer OnOpenSocket checks.
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // pool threads: no SIGALRM
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.total_timeout_ms);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Callexa-Webhooks/1");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(post.body.size()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

    const auto start = std::chrono::steady_clock::now();
    const CURLcode code = curl_easy_perform(c);
    result.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    const bool answered = code == CURLE_OK || (code == CURLE_WRITE_ERROR && t.body_cut);
    if (answered && status > 0) {
      result.http_status = static_cast<int>(status);
      result.outcome = ClassifyWebhookAnswer(result.http_status, false);
      if (result.outcome != Outcome::kDelivered) {
        result.error = "HTTP " + std::to_string(status);
        if (status >= 300 && status < 400)
          result.error += " (redirects are not followed)";
      }
      if (status == 429 || status == 503) {
        result.retry_after_seconds = ParseRetryAfter(t.retry_after, std::time(nullptr));
      }
      return result;
    }
    result.outcome = ClassifyWebhookAnswer(0, true);
    const std::string detail = error[0] ? error : curl_easy_strerror(code);
    switch (code) {
      case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connected = 0;
        curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
        result.error =
            connected == 0
                ? "could not connect within " + Seconds(options_.connect_timeout_ms)
                : "timed out after " + Seconds(options_.total_timeout_ms);
        break;
      }
      case CURLE_COULDNT_RESOLVE_HOST:
        result.error = "could not resolve the host: " + detail;
        break;
      case CURLE_UNSUPPORTED_PROTOCOL:
        result.outcome = Outcome::kFailed;
        result.error = options_.allow_private_networks
                           ? "the url must be http:// or https://"
                           : "the url must be https:// (plain http needs "
                             "callexa_webhook_private_networks)";
        break;
      case CURLE_URL_MALFORMAT:
        result.outcome = Outcome::kFailed;
        result.error = "the url is not valid: " + detail;
        break;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
        result.error = "TLS error: " + detail;
        break;
      default:
        if (!t.refused.empty()) {
          // Our own refusal: no byte was sent, and retrying cannot help
          // until the owner changes the URL (or the operator the policy).
          result.outcome = Outcome::kFailed;
          result.error = t.refused;
        } else {
          result.error = "connection error: " + detail;
        }
    }
    return result;
  }

 private:
  using Outcome = WebhookPostResult::Outcome;

  static WebhookPostResult Fail(Outcome outcome, std::string error) {
    WebhookPostResult r;
    r.outcome = outcome;
    r.error = std::move(error);
    return r;
  }

  const WebhookSenderOptions options_;
};

}  // namespace

WebhookPostResult::Outcome ClassifyWebhookAnswer(int http_status, bool transport_error) {
  using Outcome = WebhookPostResult::Outcome;
  if (transport_error) return Outcome::kRetry;
  if (http_status >= 200 && http_status < 300) return Outcome::kDelivered;
  if (http_status == 429 || (http_status >= 500 && http_status < 600)) {
    return Outcome::kRetry;
  }
  return Outcome::kFailed;
}

std::unique_ptr<WebhookSender> MakeCurlWebhookSender(bool allow_private_networks) {
  WebhookSenderOptions options;
  options.allow_private_networks = allow_private_networks;
  return MakeCurlWebhookSender(options);
}

std::unique_ptr<WebhookSender> MakeCurlWebhookSender(
    const WebhookSenderOptions &options) {
  return std::make_unique<CurlWebhookSender>(options);
}

}  // namespace callexa
