// Where Segment's identifies (and recipients added by hand) are kept.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_INGEST_STORE_H_
#define CALLEXA_STORE_INGEST_STORE_H_

#include <cstdint>
#include <vector>

#include "model/ingest_job.h"

namespace callexa {

class IngestStore {
 public:
  virtual ~IngestStore() = default;

  // Applies every job in one transaction (group commit): authenticates the
  // job's key (policy/api_key.h), skips messageIds already seen, upserts
  // customers and schedules invitations per the eligibility policy
  // (policy/identify_plan.h). Sets each job's status: its own rejection
  // (a wrong key) or OK. When the database fails, the jobs it failed on
  // get Unavailable and nothing of them is kept; the others are committed.
  virtual void ApplyIngest(const std::vector<IngestJob *> &jobs, int64_t now) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_INGEST_STORE_H_
