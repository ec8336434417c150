// The bodies webhooks post: a Standard Webhooks event and a Slack
// incoming-webhook message, both built from the facts of one answer.
#ifndef CALLEXA_WEBHOOKS_WEBHOOK_EVENT_H_
#define CALLEXA_WEBHOOKS_WEBHOOK_EVENT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace callexa {

// Event types a webhook may subscribe to.
inline constexpr std::string_view kWebhookResponseCreated = "response.created";
inline constexpr std::string_view kWebhookResponseUpdated = "response.updated";
// The type of the event POST .../webhooks/{wid}/test sends.
inline constexpr std::string_view kWebhookTest = "webhook.test";

// What an event says of one answer.
struct WebhookAnswerFacts {
  int64_t survey_id = 0, invitation_id = 0;
  int score = 0;
  std::string band;  // "promoter" | "passive" | "detractor"
  std::string comment;
  nlohmann::json tag_ratings = nlohmann::json::object(),
                 extra_answers = nlohmann::json::object();
  std::string email, first_name, last_name, user_id;
  int64_t answered_at = 0;
  std::string admin_url;    // link to the answer in the admin UI
  std::string survey_name;  // for the Slack message's wording; not in the standard body
};

// {"type", "timestamp", "data": {survey_id, invitation_id, score, band,
// comment, tag_ratings, extra_answers, email, first_name, last_name,
// user_id, answered_at, admin_url}} (Standard Webhooks body). "timestamp"
// (`now`) and "answered_at" are ISO-8601 UTC ("2026-12-05T02:13:07Z").
// Compact JSON, UTF-8; invalid UTF-8 in a string is replaced (U+FFFD), never
// an exception.
std::string StandardEventBody(std::string_view type, int64_t now,
                              const WebhookAnswerFacts &f);

// Slack incoming-webhook message: "text" (the notification line) plus
// "blocks", with the same facts. Every owner/customer string is escaped
// for mrkdwn (&, <, > as Slack documents) and its formatting characters
// (* _ ~ ` and the like) neutralised, so a comment can neither format nor
// ping (<!channel>, <@U123>) nor link.
std::string SlackEventBody(std::string_view type, const WebhookAnswerFacts &f);

// The escaping SlackEventBody applies to one customer string (exposed for
// the tests).
std::string SlackEscape(std::string_view text);

}  // namespace callexa

#endif  // CALLEXA_WEBHOOKS_WEBHOOK_EVENT_H_
