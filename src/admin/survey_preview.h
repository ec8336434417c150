// What a survey would send and show, rendered by the same code that sends
// the email and serves the page: the WYSIWYG editor's preview, and the
// owner's test email. The recipient is a placeholder ("Alex", at
// kPreviewRecipient); the links are real links of invitation 0, which no
// invitation has, so that they verify but answer nothing (the survey page
// says it was a test).
#ifndef CALLEXA_ADMIN_SURVEY_PREVIEW_H_
#define CALLEXA_ADMIN_SURVEY_PREVIEW_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "mail/mail_from.h"
#include "mail/mail_transport.h"

namespace callexa {

inline constexpr char kPreviewFirstName[] = "Alex";
inline constexpr char kPreviewRecipient[] = "alex@example.com";

// The installation's side of every email (from callexa_public_url and
// callexa_mail_from); placeholders stand in while they are unset.
struct PreviewSettings {
  std::string survey_base_url = "http://localhost/s/";  // ending in "/"
  MailFrom sender{"", "nps@example.com"};
  std::string message_id_domain = "localhost";
};

struct SurveyPreview {
  std::string subject;
  std::string html;            // the email's text/html part, as sent
  std::string text;            // its text/plain part
  std::string page_html;       // the landing page, with the score chosen
  std::string thank_you_html;  // the page after answering
  // The reminder (README "Reminders"): its subject and text/html part, and
  // that part marked, its intro as "reminder_intro".
  std::string reminder_subject, reminder_html, editable_reminder_html;
  // The same three with their editable texts marked (FieldMark), for the
  // WYSIWYG editor's clicks; otherwise identical.
  std::string editable_html, editable_page_html, editable_thank_you_html;
  // Every content field with the language's defaults filled in: what the
  // editor starts from when the owner edits a text they never set.
  nlohmann::json resolved_content;
};

// The preview of `content` (a survey's content object, as PATCH takes it:
// validated the same way, InvalidArgument naming the field otherwise),
// the landing page as someone who clicked `score` (0-10) sees it.
Result<SurveyPreview> RenderSurveyPreview(const nlohmann::json &content,
                                          const PreviewSettings &settings,
                                          const std::string &secret, int64_t now,
                                          int score = 9);

// The whole test email of `content` to `to`: the survey email with
// "[Test] " before its subject and an X-Callexa-Test header, for the
// placeholder recipient's name; its score links open survey `survey_id`'s
// pages in test mode (MakeTestSurveyLinks). InvalidArgument for bad content
// or address.
Result<OutgoingMail> RenderTestEmail(const nlohmann::json &content, const std::string &to,
                                     const PreviewSettings &settings,
                                     const std::string &secret, int64_t now,
                                     const std::string &message_id_unique,
                                     int64_t survey_id);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_SURVEY_PREVIEW_H_
