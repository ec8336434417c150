// libFuzzer target: a Segment delivery or tracking-API call as nginx hands
// it to the core. The first byte picks the endpoint, the path and whether
// the body is sent gzip-encoded; the rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/ingest_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  using callexa::IngestApi;
  const uint8_t selector = data[0];
  callexa::HttpRequest request;
  request.method = "POST";
  request.content_type = "application/json";
  request.authorization = "Basic a2V5Og==";  // "key:"
  const IngestApi api =
      (selector & 1) ? IngestApi::kTrackingApi : IngestApi::kDestination;
  if (api == IngestApi::kTrackingApi) {
    static const char *const kPaths[] = {"identify", "batch", "import", "track"};
    request.path = kPaths[(selector >> 1) & 3];
  }
  if (selector & 8) request.content_encoding = "gzip";
  request.body.assign(reinterpret_cast<const char *>(data + 1), size - 1);
  auto job = callexa::ParseIngestRequest(request, api, nullptr);
  if (job.ok()) {
    for (const auto &identify : job->identifies) {
      if (identify.email.empty()) __builtin_trap();  // email is mandatory
    }
  }
  return 0;
}
