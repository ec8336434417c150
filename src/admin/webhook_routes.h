// The survey's webhooks in the admin API (README "Admin API"):
//   GET    api/surveys/{id}/webhooks               each with its last 50 events
//   POST   api/surveys/{id}/webhooks               {"url", "events", "format"}
//                                                  → 201 with the secret, shown once
//   DELETE api/surveys/{id}/webhooks/{wid}
//   POST   api/surveys/{id}/webhooks/{wid}/test    queues a "webhook.test" event
//   POST   api/surveys/{id}/webhooks/{wid}/secret  a new secret, shown once
// The role check and the audit record are AdminApi::Handle's.
#ifndef CALLEXA_ADMIN_WEBHOOK_ROUTES_H_
#define CALLEXA_ADMIN_WEBHOOK_ROUTES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "http/http_exchange.h"
#include "store/survey_store.h"
#include "store/webhook_store.h"

namespace callexa {

// The longest webhook URL accepted.
constexpr size_t kMaxWebhookUrlBytes = 2000;

// `rest` is the path after "webhooks" ({}, {wid}, {wid, "test"}, ...).
// `allow_private_networks` is callexa_webhook_private_networks. Blocks on
// the store.
HttpResponse HandleWebhookRoute(WebhookStore *webhooks, SurveyStore *surveys,
                                const HttpRequest &request, int64_t survey_id,
                                const std::vector<std::string> &rest,
                                bool allow_private_networks, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_WEBHOOK_ROUTES_H_
