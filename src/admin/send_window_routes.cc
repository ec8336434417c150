#include "admin/send_window_routes.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/time_format.h"
#include "policy/send_window.h"

namespace callexa {

using nlohmann::json;

HttpResponse HandleSendWindowRoute(SurveyStore *surveys, const HttpRequest &request,
                                   int64_t survey_id, int64_t now) {
  if (request.method != "GET" && request.method != "HEAD") {
    return JsonError(
        Status::MethodNotAllowed("use GET on api/surveys/{id}/send-window; change it "
                                 "with PATCH api/surveys/{id} {\"send_window\": ...}"));
  }
  int64_t due_at = now;
  const std::string due = QueryParam(request.query, "due");
  if (!due.empty()) {
    const std::optional<int64_t> parsed = ParseIso8601(due);
    if (!parsed)
      return JsonError(Status::InvalidArgument("due must be an ISO-8601 date-time"));
    due_at = *parsed;
  }
  const std::string customer_zone = QueryParam(request.query, "time_zone");
  if (!customer_zone.empty() && !IsKnownTimeZone(customer_zone)) {
    return JsonError(
        Status::InvalidArgument("time_zone is not a time zone the tz database "
                                "knows"));
  }
  auto survey = surveys->GetSurvey(survey_id);
  if (!survey.ok()) return JsonError(survey.status());
  json window = nullptr;
  json example = nullptr;
  json at_closing = nullptr;
  if (!survey->send_window.empty()) {
    Result<SendWindow> parsed = SendWindow::ParseStored(survey->send_window);
    window = json::parse(survey->send_window, nullptr, false);
    if (parsed.ok()) {
      const auto describe = [&](int64_t at) {
        return json{{"due_at", FormatIso8601(at)},
                    {"send_at", FormatIso8601(parsed->NextOpening(at, customer_zone))},
                    {"time_zone", parsed->ZoneFor(customer_zone)},
                    {"sentence", parsed->Describe(at, customer_zone)}};
      };
      example = describe(due_at);
      at_closing = describe(parsed->NextClosing(due_at, customer_zone));
    }
  }
  return JsonResponse(200, json{{"window", std::move(window)},
                                {"time_zones", TimeZoneNames()},
                                {"example", std::move(example)},
                                {"at_closing", std::move(at_closing)}}
                               .dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace callexa
