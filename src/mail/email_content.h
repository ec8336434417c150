// What a survey invitation email says and links to: the owner's texts and
// branding (with English and German defaults) and the per-recipient links.
#ifndef CALLEXA_MAIL_EMAIL_CONTENT_H_
#define CALLEXA_MAIL_EMAIL_CONTENT_H_

#include <array>
#include <string>
#include <string_view>

#include "common/status.h"
#include "richtext/rich_text.h"

namespace callexa {

// Scores 0..10.
constexpr int kScoreCount = 11;

// The survey's email template. Empty texts take the defaults of `language`
// (see ResolveSurveyEmailContent); every text is plain text or RichText, never HTML.
struct SurveyEmailContent {
  std::string language = "en";  // "en" or "de": defaults and <html lang>
  std::string subject;
  std::string greeting;          // "Hi {first_name},": the placeholder is replaced
  std::string greeting_no_name;  // used when the first name is unknown
  RichText intro;                // paragraphs, bold, italic, links
  std::string question;          // may hold line breaks
  std::string low_label;         // under score 0: "Not likely"
  std::string high_label;        // under score 10: "Very likely"
  RichText footer;               // above the unsubscribe link
  std::string unsubscribe_text;  // text of the footer's unsubscribe link
  std::string sender_name;       // From display name, logo alt text
  std::string sender_address;    // From address, required
  std::string logo_url;          // optional, http(s)
  std::string brand_color;       // optional "#rrggbb": the buttons' and links' colour
  // The score buttons' colours: "" (or "bands") keeps the cue, red 0-6,
  // amber 7-8, green 9-10, whatever the brand colour; "brand" paints all
  // eleven in brand_color.
  std::string score_colors;
  // The reminder (README "Reminders"): the same email with these two in
  // place of subject and intro.
  std::string reminder_subject;
  RichText reminder_intro;
};

// The links of one invitation, each already carrying its token.
struct SurveyLinks {
  std::array<std::string, kScoreCount> score_urls;  // http(s), score 0..10
  std::string unsubscribe_url;                      // https: the footer's link
  std::string one_click_unsubscribe_url;  // https: List-Unsubscribe (RFC 8058 POST)
};

// The built-in texts for "en" or "de" (sender, logo and colour empty);
// InvalidArgument for any other language.
Result<SurveyEmailContent> DefaultSurveyEmailContent(std::string_view language);

// `content` ready to render: language lowercased ("" means "en"), empty
// texts replaced by the language's defaults, every text made valid UTF-8
// (ill-formed bytes become U+FFFD). Single-line texts (subject, greetings,
// labels, unsubscribe text, sender name) pass through SanitizeHeaderText,
// which turns CR, LF and other controls into spaces; the others keep "\n"
// line breaks (CRLF and CR become "\n") and lose other controls but tab.
// InvalidArgument for an unknown language, a missing or invalid sender
// address, a logo URL that is not http(s), or a colour not "#rrggbb".
Result<SurveyEmailContent> ResolveSurveyEmailContent(const SurveyEmailContent &content);

// Resolved `content` as its reminder says it: reminder_subject and
// reminder_intro in place of subject and intro, the rest unchanged.
SurveyEmailContent ReminderContent(const SurveyEmailContent &content);

// The greeting of resolved `content` for a recipient: `greeting` with each
// "{first_name}" replaced by the cleaned `first_name`, or
// `greeting_no_name` when the cleaned name is empty.
std::string PersonalGreeting(const SurveyEmailContent &content,
                             std::string_view first_name);

// OK when every link is an http(s) URL (see CheckWebUrl); InvalidArgument
// naming the first bad one otherwise.
Status CheckSurveyLinks(const SurveyLinks &links);

// True for "#" followed by exactly six hex digits.
bool IsHexColor(std::string_view color);

}  // namespace callexa

#endif  // CALLEXA_MAIL_EMAIL_CONTENT_H_
