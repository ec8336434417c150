// GET api/surveys/{id}/customers/{customer_id}: one customer for the
// customer page (README "Admin API"): identity, the traits the identifies
// left, invitations with their states and times, answers over time.
#ifndef CALLEXA_ADMIN_CUSTOMER_ROUTES_H_
#define CALLEXA_ADMIN_CUSTOMER_ROUTES_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "http/http_exchange.h"
#include "store/survey_store.h"

namespace callexa {

// The customer as the route answers at `now`: reason_text says in words
// why the last identify scheduled nothing, as the customers list does.
nlohmann::json CustomerDetailToJson(const CustomerDetail &detail, const Survey &survey,
                                    int64_t now);

// 404 for an unknown survey or customer (`customer_id` as in the path),
// 405 for a method other than GET or HEAD. Blocks on the store.
HttpResponse HandleCustomerRoute(SurveyStore *surveys, const HttpRequest &request,
                                 int64_t survey_id, const std::string &customer_id,
                                 int64_t now);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_CUSTOMER_ROUTES_H_
