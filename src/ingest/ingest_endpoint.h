// The Segment destination and the tracking API as CommitEndpoints: parsed
// on the event loop (ingest_request.h), committed in groups to the store.
#ifndef CALLEXA_INGEST_INGEST_ENDPOINT_H_
#define CALLEXA_INGEST_INGEST_ENDPOINT_H_

#include "http/endpoint.h"
#include "ingest/ingest_request.h"
#include "metrics/shared_counters.h"
#include "store/ingest_store.h"

namespace callexa {

class IngestEndpoint : public CommitEndpoint {
 public:
  // `store` and `counters` (may be null; calls of types Callexa does not
  // use are counted there, as row `endpoint_row` of kEndpointTable) must
  // outlive this object.
  IngestEndpoint(IngestApi api, IngestStore *store, SharedCounters *counters,
                 size_t endpoint_row)
      : api_(api), store_(store), counters_(counters), endpoint_row_(endpoint_row) {}

  size_t MaxBodyBytes(std::string_view path) const override {
    return MaxIngestBodyBytes(api_, path);
  }
  Result<IngestJob> Parse(const HttpRequest &request) const override {
    std::vector<std::string> unused;
    Result<IngestJob> job = ParseIngestRequest(request, api_, &unused);
    if (counters_ != nullptr) {
      for (const std::string &type : unused)
        CountUnusedCall(counters_, endpoint_row_, type);
    }
    return job;
  }
  void Commit(const std::vector<IngestJob *> &jobs, int64_t now) override {
    store_->ApplyIngest(jobs, now);
  }
  HttpResponse Answer(const IngestJob &job) const override {
    return IngestJobResponse(job);
  }

 private:
  const IngestApi api_;
  IngestStore *store_;
  SharedCounters *counters_;
  const size_t endpoint_row_;
};

}  // namespace callexa

#endif  // CALLEXA_INGEST_INGEST_ENDPOINT_H_
