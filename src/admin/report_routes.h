// Admin API for reports (README "Reports"): GET api/surveys/{id}/stats,
// the NPS statistics as JSON, and GET api/surveys/{id}/responses.csv, the
// answers as a streamed CSV file. Both take the same query parameters:
//
//   from, to     ISO dates (YYYY-MM-DD) or RFC 3339 date-times; `from` is
//                inclusive, `to` exclusive as a date-time and inclusive as
//                a date (to=2026-11-30 covers all of that day, UTC).
//                Default: the 90 days up to now (this second included).
//   interval     day | week | month (stats: the trend; default week)
//   band         detractor | passive | promoter
//   tag          answers that rated this tag
//   has_comment  true | false
//   trait.NAME   customers whose trait NAME ([A-Za-z0-9_]+) is the value
//   columns      responses.csv only: extra columns, comma-separated, in
//                order: user_id, trait.NAME (up to 20)
//
// Any other parameter, or a bad value, is a 400 naming it.
//
// GET api/surveys/{id}/traits lists the traits the survey's customers have
// with their commonest values, for the filters (kTraitNames names, each
// with up to kTraitValues values). All three are long reads: the admin API
// runs them on the reports lane.
#ifndef CALLEXA_ADMIN_REPORT_ROUTES_H_
#define CALLEXA_ADMIN_REPORT_ROUTES_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/http_exchange.h"
#include "reports/report.h"
#include "store/report_store.h"
#include "store/survey_store.h"

namespace callexa {

// The default period: this many days up to now.
constexpr int64_t kDefaultReportDays = 90;
// The most points a trend may have (a day trend of about three years).
constexpr int64_t kMaxTrendPoints = 1000;
// What the traits route lists at most.
constexpr int kTraitNames = 50;
constexpr int kTraitValues = 20;

// Whether the path parts below the admin location ("api", "surveys",
// "{id}", "stats") name one of these routes (stats, responses.csv, traits).
bool IsReportRoute(const std::vector<std::string> &parts);

struct ReportQuery {
  ReportFilter filter;  // survey_id left 0
  TimeSpan period;
  TrendInterval interval = TrendInterval::kWeek;
  std::vector<std::string> columns;  // "user_id", "trait.NAME"
};

// The parameters of `query` at Unix time `now`; InvalidArgument naming
// the parameter.
Result<ReportQuery> ReadReportQuery(std::string_view query, int64_t now);

// The trait.NAME parameters of `query` (others are passed over), as the
// responses list takes them; InvalidArgument naming a bad one.
Status ReadTraitFilters(std::string_view query, std::vector<TraitFilter> *traits);

// The statistics as the stats route answers them: times ISO-8601,
// percentages and NPS points rounded to 2 decimals, rates (0..1) to 4,
// null where there is nothing to measure.
nlohmann::json NpsReportToJson(const NpsReport &report);

// The routes. 404 for an unknown survey, 405 for a method other than GET
// or HEAD. Block on the stores.
HttpResponse HandleStatsRoute(SurveyStore *surveys, ReportStore *reports,
                              const HttpRequest &request, int64_t survey_id, int64_t now);
HttpResponse HandleResponsesCsvRoute(SurveyStore *surveys, ReportStore *reports,
                                     const HttpRequest &request, int64_t survey_id,
                                     int64_t now);
HttpResponse HandleTraitsRoute(SurveyStore *surveys, const HttpRequest &request,
                               int64_t survey_id);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_REPORT_ROUTES_H_
