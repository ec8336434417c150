// Admin API for the sync-back: GET api/surveys/{id}/sync shows its state,
// POST runs it now (the worker running jobs picks it up on its next tick).
#ifndef CALLEXA_ADMIN_SYNC_ADMIN_H_
#define CALLEXA_ADMIN_SYNC_ADMIN_H_

#include <cstdint>
#include <nlohmann/json.hpp>

#include "http/http_exchange.h"
#include "store/sync_store.h"

namespace callexa {

// Times as ISO-8601 or null; next_run_at null means due now.
nlohmann::json SyncStatusToJson(const SyncStatus &status);

// GET: 200 with the status. POST: 202 with the status, 409 when the survey
// has no segment_write_key. 404 for an unknown survey. The caller has
// checked CSRF rules for the POST. Blocks on the store.
HttpResponse HandleSyncRoute(SyncStore *store, const HttpRequest &request,
                             int64_t survey_id);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_SYNC_ADMIN_H_
