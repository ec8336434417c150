// One request's worth of identify calls on its way to the store, and what
// the store did with them. Created on the event loop, filled in by the store
// on a pool thread, read again on the event loop: never shared at once.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_INGEST_JOB_H_
#define CALLEXA_MODEL_INGEST_JOB_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "model/identify.h"

namespace callexa {

struct IngestJob {
  // Input.
  std::string api_key;
  std::vector<IdentifyMessage> identifies;

  // Output, set by Store::ApplyIngest.
  Status status;
  int stored = 0;
  int duplicates = 0;
  int scheduled = 0;
};

}  // namespace callexa

#endif  // CALLEXA_MODEL_INGEST_JOB_H_
