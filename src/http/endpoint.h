// What the glue needs of a core request handler, so that one table row
// (http/endpoint_table.h) plus a class below is all a new handler
// takes. An Endpoint answers one request in one call on a pool thread; a
// CommitEndpoint's requests are parsed on the event loop and committed in
// groups (ingestion).
#ifndef CALLEXA_HTTP_ENDPOINT_H_
#define CALLEXA_HTTP_ENDPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/http_exchange.h"
#include "model/ingest_job.h"

namespace callexa {

// Where a request's blocking work runs.
enum class Lane {
  kGroupCommit,  // queued and committed with others on the request pool
  kRequests,     // one task on the request pool: short reads and writes
  kReports,      // one task on the reports pool: long reads (statistics,
                 // exports), kept from delaying commits
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;

  // The largest request body accepted at `path` (below the location);
  // larger ones are refused with 413 before they are read. 0: no body.
  virtual size_t MaxBodyBytes(std::string_view path) const = 0;
  // The lane of `request` (its body not yet read): kRequests unless the
  // endpoint knows the request is a long read.
  virtual Lane LaneFor(const HttpRequest &request) const {
    (void)request;
    return Lane::kRequests;
  }
  // Answers `request` at Unix time `now`. Blocks (the store, the network):
  // called on a pool thread of LaneFor's lane. Never throws.
  virtual HttpResponse Handle(const HttpRequest &request, int64_t now) = 0;
};

class CommitEndpoint {
 public:
  virtual ~CommitEndpoint() = default;

  virtual size_t MaxBodyBytes(std::string_view path) const = 0;
  // Validates `request` on the event loop: CPU only, no I/O.
  virtual Result<IngestJob> Parse(const HttpRequest &request) const = 0;
  // Commits every job in one transaction, setting each job's status.
  // Blocks: called on a pool thread.
  virtual void Commit(const std::vector<IngestJob *> &jobs, int64_t now) = 0;
  // The answer for a committed (or refused) job; on the event loop.
  virtual HttpResponse Answer(const IngestJob &job) const = 0;
};

}  // namespace callexa

#endif  // CALLEXA_HTTP_ENDPOINT_H_
