// Admin API for a survey's send window (README "Send windows"):
//
//   GET api/surveys/{id}/send-window[?due=ISO-8601][&time_zone=ZONE]
//     {"window": the stored window or null,
//      "time_zones": every zone name the server's tz database knows,
//      "example": {"due_at", "send_at", "time_zone", "sentence"} or null,
//      "at_closing": the same for mail due when the window next closes}
//
// send_at is the opening the mail waits for (due_at when the window is open
// then); each invitation then goes within the first hour of it.
//
// The example is what the window does to mail due at `due` (default: now)
// for a customer whose `timezone` trait is `time_zone` (default: none),
// computed with the server's tz database: the Delays page shows its
// sentence. The window itself is changed through PATCH api/surveys/{id}
// (`send_window`). Viewers may read this.
#ifndef CALLEXA_ADMIN_SEND_WINDOW_ROUTES_H_
#define CALLEXA_ADMIN_SEND_WINDOW_ROUTES_H_

#include <cstdint>

#include "http/http_exchange.h"
#include "store/survey_store.h"

namespace callexa {

HttpResponse HandleSendWindowRoute(SurveyStore *surveys, const HttpRequest &request,
                                   int64_t survey_id, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_SEND_WINDOW_ROUTES_H_
