#include "admin/customer_routes.h"

#include <utility>

#include "admin/survey_json.h"
#include "policy/customer_reason.h"
#include "store/report_store.h"

namespace callexa {

using nlohmann::json;

json CustomerDetailToJson(const CustomerDetail &detail, const Survey &survey,
                          int64_t now) {
  const CustomerView &c = detail.customer;
  json customer = CustomerToJson(c);
  customer["reason_text"] =
      ExplainSkipReason(c.reason, survey.policy, {c.created_at, c.last_surveyed_at}, now);
  // Stored by ingestion as an object; anything else shows as none.
  json traits = json::parse(detail.traits_json, nullptr, false);
  customer["traits"] = traits.is_object() ? std::move(traits) : json::object();
  json answers = json::array();
  for (const ResponseView &r : detail.answers) {
    json answer = ResponseToJson(r);
    answer["band"] = ScoreBandName(BandOfScore(r.answer.answer.score));
    answers.push_back(std::move(answer));
  }
  return {{"customer", std::move(customer)}, {"answers", std::move(answers)}};
}

HttpResponse HandleCustomerRoute(SurveyStore *surveys, const HttpRequest &request,
                                 int64_t survey_id, const std::string &customer_id,
                                 int64_t now) {
  if (request.method != "GET" && request.method != "HEAD") {
    return JsonError(
        Status::MethodNotAllowed("use GET on api/surveys/{id}/customers/{customer_id}"));
  }
  int64_t id = 0;
  bool digits = !customer_id.empty() && customer_id.size() <= 18;
  for (char c : customer_id) digits = digits && c >= '0' && c <= '9';
  if (digits) id = std::stoll(customer_id);
  if (id <= 0) {
    return JsonError(
        Status::NotFound("customer \"" + customer_id.substr(0, 40) + "\" not found"));
  }
  auto survey = surveys->GetSurvey(survey_id);
  if (!survey.ok()) return JsonError(survey.status());
  auto detail = surveys->GetCustomer(survey_id, id);
  if (!detail.ok()) return JsonError(detail.status());
  return JsonResponse(200, CustomerDetailToJson(*detail, *survey, now)
                               .dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace callexa
