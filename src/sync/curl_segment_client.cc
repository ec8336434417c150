#include "sync/curl_segment_client.h"

#include <curl/curl.h>
#include <strings.h>

#include "common/curl_global.h"
#include "common/encoding.h"
#include "sync/sync_message.h"

namespace callexa {
namespace {

struct Transfer {
  SegmentResponse *response;
  const std::function<bool()> *cancelled;
};

size_t OnBody(char *data, size_t size, size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  const size_t n = size * count;
  std::string &body = t->response->body;
  body.append(data,
              std::min(n, kMaxResponseBody - std::min(body.size(), kMaxResponseBody)));
  return n;  // the rest is read and dropped: Segment's answers are small
}

size_t OnHeader(char *data, size_t size, size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  const size_t n = size * count;
  constexpr char kName[] = "retry-after:";
  constexpr size_t kNameLen = sizeof kName - 1;
  if (n > kNameLen && strncasecmp(data, kName, kNameLen) == 0) {
    std::string value(data + kNameLen, n - kNameLen);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
      value.pop_back();
    }
    t->response->retry_after = value;
  }
  return n;
}

int OnProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto *t = static_cast<Transfer *>(user);
  return *t->cancelled && (*t->cancelled)() ? 1 : 0;
}

SegmentResponse::Transport TransportOf(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return SegmentResponse::Transport::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return SegmentResponse::Transport::kTimeout;
    case CURLE_ABORTED_BY_CALLBACK:
      return SegmentResponse::Transport::kInterrupted;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return SegmentResponse::Transport::kBadUrl;
    default:
      return SegmentResponse::Transport::kConnection;
  }
}

}  // namespace

Result<std::unique_ptr<CurlSegmentClient>> CurlSegmentClient::Create(
    std::function<bool()> cancelled, Timeouts timeouts) {
  Status s = EnsureCurlGlobalInit();
  if (!s.ok()) return s;
  CURL *curl = curl_easy_init();
  if (curl == nullptr) return Status::Unavailable("curl_easy_init failed");
  return std::unique_ptr<CurlSegmentClient>(
      new CurlSegmentClient(curl, std::move(cancelled), timeouts));
}

CurlSegmentClient::~CurlSegmentClient() { curl_easy_cleanup(static_cast<CURL *>(curl_)); }

SegmentResponse CurlSegmentClient::PostBatch(const std::string &url,
                                             const std::string &write_key,
                                             const std::string &body) {
  CURL *curl = static_cast<CURL *>(curl_);
  SegmentResponse response;
  Transfer transfer{&response, &cancelled_};
  const std::string auth = "Authorization: Basic " + Base64Encode(write_key + ":");
  curl_slist *headers = nullptr;
  // "Expect:" stops curl from waiting for 100-continue on large bodies.
  for (const char *h : {"Content-Type: application/json", "Expect:", auth.c_str()}) {
    curl_slist *next = curl_slist_append(headers, h);
    if (next == nullptr) {
      curl_slist_free_all(headers);
      response.transport = SegmentResponse::Transport::kConnection;
      response.error = "out of memory";
      return response;
    }
    headers = next;
  }
  const std::string user_agent = std::string(kLibraryName) + "/" + kLibraryVersion;
  curl_easy_reset(curl);  // keeps the open connection, clears old options
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // pool threads: no SIGALRM
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeouts_.connect_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeouts_.total_ms);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  response.transport = TransportOf(code);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.http_status = static_cast<int>(status);
  } else {
    response.error =
        std::string(curl_easy_strerror(code)) + (error[0] ? ": " : "") + error;
  }
  // The handle must not keep pointers into this frame.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  return response;
}

}  // namespace callexa
