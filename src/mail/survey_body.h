// The two bodies of a survey invitation, before transfer encoding: a plain
// text part and an HTML part built for mail clients (tables, inline
// styles, no script, no external CSS). Lines end in "\n".
#ifndef CALLEXA_MAIL_SURVEY_BODY_H_
#define CALLEXA_MAIL_SURVEY_BODY_H_

#include <string>
#include <string_view>

#include "mail/email_content.h"

namespace callexa {

// Preconditions for both: `content` comes from ResolveSurveyEmailContent,
// `links` passed CheckSurveyLinks, and `greeting` from PersonalGreeting.

// Greeting, intro and question wrapped at 76 columns, then one line per
// score with its URL, then the footer and the unsubscribe link.
std::string RenderSurveyTextBody(const SurveyEmailContent &content,
                                 std::string_view greeting, const SurveyLinks &links);

// A complete HTML document: lang attribute, hidden preheader (the
// question), optional logo, greeting, intro, question, eleven score buttons
// in one row with the low and high labels under it, and a footer with the
// unsubscribe link. Every text and URL is HTML-escaped.
// `mark_fields` (the admin editor's preview only) tags the element of each
// editable text with data-callexa-field="<content field>", so that a click
// on it can open its editor; a sent email never has them. `intro_field`
// names the intro's field: "reminder_intro" in the reminder's preview.
std::string RenderSurveyHtmlBody(const SurveyEmailContent &content,
                                 std::string_view greeting, const SurveyLinks &links,
                                 bool mark_fields = false,
                                 std::string_view intro_field = "intro");

// ` data-callexa-field="<field>"` when `mark`, else nothing.
std::string FieldMark(bool mark, std::string_view field);

// "#rrggbb" background of the button for `score`: the brand colour when
// there is one, else red for 0-6, amber for 7-8 and green for 9-10.
std::string ScoreButtonColor(const SurveyEmailContent &content, int score);

// The text colour for a "#rrggbb" background: near-black on light colours,
// white on dark ones.
const char *TextColorOn(std::string_view background);

}  // namespace callexa

#endif  // CALLEXA_MAIL_SURVEY_BODY_H_
