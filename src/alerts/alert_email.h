// The alert email of one settled answer (README "Alerts"): the score and
// its band, the comment, the tag ratings, the extra answers, who the
// customer is (name, address, user id, a few traits) and a link to the
// customer's page in the admin UI. In the survey's language (English or
// German); tables and inline styles only, like the report email. Pure.
#ifndef CALLEXA_ALERTS_ALERT_EMAIL_H_
#define CALLEXA_ALERTS_ALERT_EMAIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "mail/mail_from.h"
#include "mail/notification_email.h"
#include "model/answer.h"

namespace callexa {

// An alert names at most this many of the customer's traits.
constexpr size_t kAlertTraits = 8;

struct AlertEmailInput {
  std::string language = "en";  // "en" or "de"
  std::string survey_name;
  Answer answer;
  int64_t answered_at = 0;
  // Extra questions answered: the question's text (or its id) and the answer.
  std::vector<std::pair<std::string, std::string>> extra_answers;
  std::string email, name, user_id;  // name: "Ada Lovelace", or empty
  std::vector<std::pair<std::string, std::string>> traits;  // see AlertKeyTraits
  std::string answer_url;   // http(s) link to the customer page; empty: none
  std::string brand_color;  // "#rrggbb" for the button; empty: default
};

struct AlertEmailBodies {
  std::string subject;  // "Detractor (3/10) from ada@example.com — Acme NPS"
  std::string text;     // plain text, "\n" line endings
  std::string html;     // a complete document
};

// Every text from the survey or the customer is escaped in the HTML and
// cleaned of controls in the subject.
AlertEmailBodies RenderAlertBodies(const AlertEmailInput &input);

// The scalar traits of `traits_json` (the customer's stored traits) worth
// naming, in key order, at most kAlertTraits: not the ones the alert shows
// anyway (names, email), values shortened to 100 bytes.
std::vector<std::pair<std::string, std::string>> AlertKeyTraits(
    std::string_view traits_json);

using AlertEnvelope = NotificationEnvelope;

// The whole RFC 5322 message (Auto-Submitted: auto-generated; no
// Reply-To: replies to the customer go through the inbox, which records
// them). InvalidArgument for a bad address or Message-ID part.
Result<std::string> RenderAlertEmail(const AlertEmailInput &input,
                                     const AlertEnvelope &envelope);

}  // namespace callexa

#endif  // CALLEXA_ALERTS_ALERT_EMAIL_H_
