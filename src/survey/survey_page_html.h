// The HTML of the survey pages: small self-contained documents (inline CSS
// and one inline script, no external assets), responsive down to 360 px,
// accessible (fieldset/legend for every group, labels for every input,
// keyboard operable, visible focus), in the survey's language and brand.
// Every owner or customer text is HTML-escaped here. Pure functions.
#ifndef CALLEXA_SURVEY_SURVEY_PAGE_HTML_H_
#define CALLEXA_SURVEY_SURVEY_PAGE_HTML_H_

#include <optional>
#include <string>
#include <string_view>

#include "model/answer.h"
#include "survey/survey_content.h"

namespace callexa {

// What the answer form shows besides the survey's texts.
struct AnswerForm {
  std::string action;        // URL the form posts to, relative to the page
  std::string form_token;    // the hidden "csrf" field
  std::optional<int> score;  // preselected 0..10
  Answer previous;           // prefilled comment, ratings, extra answers, consent
  // The admin editor's preview: each editable text's element carries
  // data-callexa-field="<content field>" (see FieldMark).
  bool mark_fields = false;
  // Without its script (the admin's preview frame runs none).
  bool with_script = true;
  // Above the form when not empty: the test mode's "nothing is recorded".
  std::string banner;
};

// The landing page: the 0-10 scale (score preselected), the follow-up for
// its band, tag ratings, extra questions, the consent checkbox (shown only
// while a promoter score is chosen) and the submit button. The inline
// script (allowed by `nonce`) posts the preselected score with partial=1
// on the first trusted user input, and swaps follow-up text and consent
// visibility when the score changes; without script the button posts all.
std::string RenderAnswerPage(const SurveyContent &content, const AnswerForm &form,
                             std::string_view nonce);

// The unsubscribe page: the question and a confirm button posting to
// `action` with the hidden "csrf" field.
std::string RenderUnsubscribePage(const SurveyContent &content, std::string_view action,
                                  std::string_view form_token, std::string_view nonce);

// A page with one message (thanks, expired, unsubscribed, errors); plain
// text converts (a blank line starts a paragraph, "\n" breaks a line). A
// non-empty `mark_field` marks the title and the message for the admin
// editor.
std::string RenderMessagePage(const SurveyContent &content, const RichText &message,
                              std::string_view nonce, std::string_view mark_field = {});

// The thank-you page: the survey's thank_you text, then, when
// `review_href` is not empty (a promoter, a survey with a review_url), the
// review invitation: a link to `review_href` (our own route, which counts
// the click and redirects) saying review_text. `banner` as in AnswerForm.
// With `mark`, the admin editor's marks (thank_you, review_text).
std::string RenderThankYouPage(const SurveyContent &content, std::string_view review_href,
                               std::string_view banner, std::string_view nonce,
                               bool mark = false);

// The Content-Security-Policy for a page rendered with `nonce`: nothing
// but our own inline style and script, images over http(s) (the logo),
// form posts and fetches to this origin only, never framed.
std::string PageContentSecurityPolicy(std::string_view nonce);

}  // namespace callexa

#endif  // CALLEXA_SURVEY_SURVEY_PAGE_HTML_H_
