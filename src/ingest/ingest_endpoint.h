// The Segment destination and the tracking API as CommitEndpoints: parsed
// on the event loop (ingest_request.h), committed in groups to the store.
#ifndef CALLEXA_INGEST_INGEST_ENDPOINT_H_
#define CALLEXA_INGEST_INGEST_ENDPOINT_H_

#include "http/endpoint.h"
#include "ingest/ingest_request.h"
#include "store/ingest_store.h"

namespace callexa {

class IngestEndpoint : public CommitEndpoint {
 public:
  // `store` must outlive this object.
  IngestEndpoint(IngestApi api, IngestStore *store) : api_(api), store_(store) {}

  size_t MaxBodyBytes(std::string_view path) const override {
    return MaxIngestBodyBytes(api_, path);
  }
  Result<IngestJob> Parse(const HttpRequest &request) const override {
    return ParseIngestRequest(request, api_);
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
};

}  // namespace callexa

#endif  // CALLEXA_INGEST_INGEST_ENDPOINT_H_
