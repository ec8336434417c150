// Talking to Segment's HTTP Tracking API: the transport interface (a fake
// in unit tests, libcurl in nginx) and the pure rules that turn an answer
// into ok / retry later / rejected (../shared/notes/segment-protocol.md §1,
// §3: 429 and 5xx are temporary, other 4xx final).
#ifndef CALLEXA_SYNC_SEGMENT_CLIENT_H_
#define CALLEXA_SYNC_SEGMENT_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callexa {

// What came back from one POST.
struct SegmentResponse {
  enum class Transport {
    kOk,           // an HTTP answer arrived (any status)
    kTimeout,      // connect or total timeout
    kConnection,   // resolve, connect, TLS, send or receive failed
    kInterrupted,  // aborted because the caller is shutting down
    kBadUrl,       // the URL cannot work (malformed, unsupported scheme)
  };
  Transport transport = Transport::kOk;
  int http_status = 0;
  std::string body;         // at most the first kMaxResponseBody bytes
  std::string retry_after;  // the Retry-After header, if any
  std::string error;        // what the transport said, when not kOk
};

inline constexpr size_t kMaxResponseBody = 4096;

class SegmentClient {
 public:
  virtual ~SegmentClient() = default;
  // POSTs `body` (JSON) to `url` with Authorization: Basic
  // base64(write_key:). Blocks until an answer, an error or the timeout.
  virtual SegmentResponse PostBatch(const std::string &url, const std::string &write_key,
                                    const std::string &body) = 0;
};

// What to do after a response.
struct SendVerdict {
  enum class Kind { kOk, kRetry, kRejected, kInterrupted };
  Kind kind = Kind::kOk;
  // kRetry: the delay Segment asked for (Retry-After); nullopt: back off.
  std::optional<int64_t> retry_after_seconds;
  std::string error;  // kRetry, kRejected: for sync_state.last_error
};

// Retry-After is capped so a bogus value cannot stall a survey for days.
inline constexpr int64_t kMaxRetryAfterSeconds = 3600;

// 2xx ok; 408, 429 and 5xx other than 501 retry, as do timeouts and
// connection errors; other statuses (400, 401, 403, 3xx, 501...) and an
// unusable URL are rejected. The error names the status and Segment's
// answer, truncated.
SendVerdict ClassifyResponse(const SegmentResponse &response, int64_t now);

// Retry-After as delay-seconds or an HTTP-date, in seconds from `now`,
// clamped to [0, kMaxRetryAfterSeconds]; nullopt when unparseable.
std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now);

// Delay before retry number `failures` + 1 (failures >= 0): 30 s doubling
// up to one hour, with "equal jitter" (between half and all of it) so that
// installations that failed together do not retry together. random01 in
// [0, 1).
int64_t BackoffSeconds(int failures, double random01);

}  // namespace callexa

#endif  // CALLEXA_SYNC_SEGMENT_CLIENT_H_
