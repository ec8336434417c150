// JSON form of surveys and customers for the admin API, and validation of
// the settings an owner may change.
#ifndef CALLEXA_ADMIN_SURVEY_JSON_H_
#define CALLEXA_ADMIN_SURVEY_JSON_H_

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "store/report_run_store.h"
#include "store/survey_store.h"

namespace callexa {

nlohmann::json SurveyToJson(const Survey &survey);
nlohmann::json CustomerToJson(const CustomerView &customer);
nlohmann::json ResponseToJson(const ResponseView &response);
// {"scheduled": n, "queued": n, ... every status, "last_errors": [...]}.
nlohmann::json DeliveryOverviewToJson(const DeliveryOverview &overview);
nlohmann::json SuppressionToJson(const SuppressionView &suppression);
// {"period_from", "period_to", "status", "attempts", "recipients_handled",
//  "last_error", "finished_at"}: one report email run.
nlohmann::json ReportRunToJson(const ReportRun &run);

// Applies the fields of `patch` to `survey`; "content" is merged into the
// stored content as a JSON merge patch (RFC 7396: null resets a field to
// its default) and validated whole. Unknown or read-only fields,
// wrong types and out-of-range values give InvalidArgument naming the
// field; `survey` is then unchanged.
Status ApplySurveySettings(const nlohmann::json &patch, Survey *survey);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_SURVEY_JSON_H_
