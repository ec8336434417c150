// SegmentClient over libcurl: one easy handle reused for every request, so
// the connection (and TLS session) to Segment stays open between batches.
//
// Not thread safe: use one object from one thread at a time (the glue runs
// one sync task at a time).
#ifndef CALLEXA_SYNC_CURL_SEGMENT_CLIENT_H_
#define CALLEXA_SYNC_CURL_SEGMENT_CLIENT_H_

#include <atomic>
#include <memory>
#include <string>

#include "common/status.h"
#include "sync/segment_client.h"

namespace callexa {

class CurlSegmentClient : public SegmentClient {
 public:
  struct Timeouts {
    long connect_ms = 10000;
    long total_ms = 30000;
  };

  // Initialises libcurl if needed. When `*cancel` (may be null; must
  // outlive the client) becomes true, a transfer in progress aborts within
  // about a second and answers Transport::kInterrupted, so nginx -s quit
  // does not wait for a slow Segment.
  static Result<std::unique_ptr<CurlSegmentClient>> Create(
      const std::atomic<bool> *cancel, Timeouts timeouts);
  ~CurlSegmentClient() override;
  CurlSegmentClient(const CurlSegmentClient &) = delete;
  CurlSegmentClient &operator=(const CurlSegmentClient &) = delete;

  SegmentResponse PostBatch(const std::string &url, const std::string &write_key,
                            const std::string &body) override;

 private:
  CurlSegmentClient(void *curl, const std::atomic<bool> *cancel, Timeouts timeouts)
      : curl_(curl), cancel_(cancel), timeouts_(timeouts) {}

  void *curl_;  // CURL*, kept out of this header
  const std::atomic<bool> *cancel_;
  Timeouts timeouts_;
};

}  // namespace callexa

#endif  // CALLEXA_SYNC_CURL_SEGMENT_CLIENT_H_
