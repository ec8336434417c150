// Everything customer-facing of one survey, as stored in surveys.content:
// one flat JSON object holding the email template fields (the member names
// of SurveyEmailContent but sender_address, which comes from the
// callexa_mail_from directive) and the survey page fields below.
//
//   {"language": "de", "subject": "...", "tags": ["Support", "Price"],
//    "questions": [{"id": "feature", "text": "What feature is missing?"}],
//    "followup_detractor": "...", "consent_text": "...", ...}
//
// Every text is plain text, never HTML, but intro, footer and thank_you,
// which are rich text (richtext/rich_text.h: a document or a plain
// string). An absent, null or empty text means "the language's default"
// (English and German built in).
#ifndef CALLEXA_SURVEY_SURVEY_CONTENT_H_
#define CALLEXA_SURVEY_SURVEY_CONTENT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mail/email_content.h"

namespace callexa {

// A free-text question after the follow-up; answers are keyed by `id`.
struct ExtraQuestion {
  std::string id;    // 1 to 32 of [a-z0-9_-], unique within the survey
  std::string text;  // the question, 1 to 500 bytes
};

// The texts of the survey pages. Multi-line texts may hold "\n".
struct SurveyPageContent {
  std::string title;                     // <title> and heading of every page
  std::string followup_detractor;        // follow-up question for scores 0-6
  std::string followup_passive;          // for 7-8
  std::string followup_promoter;         // for 9-10
  std::string tags_intro;                // above the tag ratings
  std::vector<std::string> tags;         // things to rate 1..5 ("Support"), at most 20
  std::string rating_low_label;          // under rating 1
  std::string rating_high_label;         // under rating 5
  std::vector<ExtraQuestion> questions;  // at most 10
  std::string consent_text;              // checkbox shown to promoters
  // The review invitation on a promoter's thank-you page (none when
  // review_url is empty): a link through {token}/review to this https URL.
  std::string review_url;
  std::string review_text;           // the link's text
  std::string submit_label;          // the form's button
  RichText thank_you;                // the page after submitting
  std::string expired_text;          // an expired link
  std::string unsubscribe_question;  // unsubscribe page, before confirming
  std::string unsubscribe_button;
  std::string unsubscribed_text;  // after unsubscribing
};

struct SurveyContent {
  SurveyEmailContent email;  // sender_address stays empty here
  SurveyPageContent page;
};

// Limits of the lists, shared with the page's form parsing.
constexpr size_t kMaxTags = 20;
constexpr size_t kMaxExtraQuestions = 10;

// The owner's content as stored (no defaults filled in): validates
// `content`, a JSON object. InvalidArgument naming the field
// ("content.tags[2] must be a string") for a wrong type, an unknown field,
// a text over its length limit, a control character in a single-line
// text, a language other than "en"/"de", a logo_url that is not http(s),
// a brand_color not "#rrggbb", an empty or duplicate tag or question id.
// CRLF and CR in multi-line texts become "\n".
Result<SurveyContent> ReadSurveyContent(const nlohmann::json &content);

// ReadSurveyContent of the JSON text `json`, then every empty text filled
// with the defaults of its language (language "" becomes "en"): what the
// scheduler (`.email`, after setting sender_address) and the pages use.
Result<SurveyContent> ParseSurveyContent(std::string_view json);

// The stored form of the owner's values (every field, empty when unset):
// ReadSurveyContent(SurveyContentToJson(c)) gives back `c`.
nlohmann::json SurveyContentToJson(const SurveyContent &content);

// The one placeholder: replaced by the first name in the email's greeting.
constexpr char kFirstNamePlaceholderText[] = "{first_name}";

// The owner's texts in `content` (a content object or patch, as the admin
// sends it) hold no look-alike placeholders: "{firstname}", "{{first_name}}"
// or "{first_name}" outside the greeting would reach customers as written
// ("Hi {Alex},"). InvalidArgument naming the field, the text and the valid
// placeholder. Checked when the owner saves, never on stored content.
Status CheckPlaceholders(const nlohmann::json &content);

// The follow-up question for `score` (0-6, 7-8, 9-10).
const std::string &FollowupFor(const SurveyPageContent &page, int score);

// Whether `score` is a promoter's (9 or 10): only they are asked for
// consent to be quoted.
inline bool IsPromoterScore(int score) { return score >= 9; }

}  // namespace callexa

#endif  // CALLEXA_SURVEY_SURVEY_CONTENT_H_
