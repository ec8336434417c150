// Turns a Segment delivery (partner destination) or a Segment HTTP Tracking
// API call into an IngestJob, and the finished job into the HTTP answer.
// Runs on the event loop: CPU only, no I/O.
#ifndef CALLEXA_INGEST_INGEST_REQUEST_H_
#define CALLEXA_INGEST_INGEST_REQUEST_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/http_exchange.h"
#include "model/ingest_job.h"

namespace callexa {

enum class IngestApi {
  kDestination,  // one Spec message per POST; unsupported call types: 501
  kTrackingApi,  // /v1/identify, /v1/batch, ...; other call types: 200, ignored
};

constexpr size_t kMaxMessageBytes = 32 * 1024;
constexpr size_t kMaxBatchBytes = 500 * 1024;
constexpr size_t kMaxBatchMessages = 2500;

// The largest body accepted at `path` (relative to the handler's location),
// before and after gzip decoding.
size_t MaxIngestBodyBytes(IngestApi endpoint, std::string_view path);

// Validates method, media type, encoding, size, JSON and fields. On success
// the job carries the API key (not yet checked: the store does that) and
// every identify to store. `unused_calls` (may be null) receives the type
// of each call Callexa does not use ("track", ...), also when the
// destination refuses the request for it.
Result<IngestJob> ParseIngestRequest(const HttpRequest &request, IngestApi endpoint,
                                     std::vector<std::string> *unused_calls);

// The answer for a job the store has finished with.
HttpResponse IngestJobResponse(const IngestJob &job);

}  // namespace callexa

#endif  // CALLEXA_INGEST_INGEST_REQUEST_H_
