// SegmentClient over libcurl: one easy handle reused for every request, so
// the connection (and TLS session) to Segment stays open between batches.
//
// Not thread safe: use one object from one thread at a time (the glue runs
// one sync task at a time).
#ifndef CALLEXA_SYNC_CURL_SEGMENT_CLIENT_H_
#define CALLEXA_SYNC_CURL_SEGMENT_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "common/status.h"
#include "sync/segment_client.h"

namespace callexa {

class CurlSegmentClient : public SegmentClient {
 public:
  struct Timeouts {
    long connect_ms = 10000;
    long total_ms = 30000;
  };

  // Initialises libcurl if needed. `cancelled` (may be empty) is polled
  // during a transfer, at least once a second, on the calling thread; once
  // it answers true the transfer aborts and answers Transport::kInterrupted,
  // so nginx -s quit does not wait for a slow Segment. A predicate rather
  // than a flag, because nginx has no hook at the moment it starts exiting.
  static Result<std::unique_ptr<CurlSegmentClient>> Create(
      std::function<bool()> cancelled, Timeouts timeouts);
  ~CurlSegmentClient() override;
  CurlSegmentClient(const CurlSegmentClient &) = delete;
  CurlSegmentClient &operator=(const CurlSegmentClient &) = delete;

  SegmentResponse PostBatch(const std::string &url, const std::string &write_key,
                            const std::string &body) override;

 private:
  CurlSegmentClient(void *curl, std::function<bool()> cancelled, Timeouts timeouts)
      : curl_(curl), cancelled_(std::move(cancelled)), timeouts_(timeouts) {}

  void *curl_;  // CURL*, kept out of this header
  std::function<bool()> cancelled_;
  Timeouts timeouts_;
};

}  // namespace callexa

#endif  // CALLEXA_SYNC_CURL_SEGMENT_CLIENT_H_
