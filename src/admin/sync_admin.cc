#include "admin/sync_admin.h"

#include "common/time_format.h"

namespace callexa {
namespace {

using nlohmann::json;

json Time(const std::optional<int64_t> &t) {
  return t ? json(FormatIso8601(*t)) : json(nullptr);
}

HttpResponse StatusResponse(int http_status, const SyncStatus &status) {
  return JsonResponse(http_status, SyncStatusToJson(status).dump(
                                       -1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

json SyncStatusToJson(const SyncStatus &s) {
  return {
      {"survey_id", s.survey_id},
      {"enabled", s.enabled},
      {"running", s.running},
      {"run_requested", s.run_requested},
      {"last_run_started_at", Time(s.last_run_started_at)},
      {"last_run_finished_at", Time(s.last_run_finished_at)},
      {"last_success_at", Time(s.last_success_at)},
      {"next_run_at", s.enabled ? Time(s.next_run_at) : json(nullptr)},
      {"messages_sent", s.messages_sent},
      {"messages_skipped", s.messages_skipped},
      {"requests_made", s.requests_made},
      {"pending", s.pending},
      {"failures", s.failures},
      {"last_error", s.last_error},
  };
}

HttpResponse HandleSyncRoute(SyncStore *store, const HttpRequest &request,
                             int64_t survey_id) {
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (!get && request.method != "POST") {
    return JsonError(
        Status::MethodNotAllowed("use GET or POST on api/surveys/{id}/sync"));
  }
  auto status = store->GetSyncStatus(survey_id);
  if (!status.ok()) return JsonError(status.status());
  if (get) return StatusResponse(200, *status);
  if (!status->enabled) {
    return JsonError(
        Status::Conflict("survey has no segment_write_key: nothing to sync"));
  }
  Status s = store->RequestSyncRun(survey_id);
  if (!s.ok()) return JsonError(s);
  status->run_requested = true;
  return StatusResponse(202, *status);
}

}  // namespace callexa
