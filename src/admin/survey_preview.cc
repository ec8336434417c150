#include "admin/survey_preview.h"

#include "mail/email_content.h"
#include "mail/survey_body.h"
#include "mail/survey_email.h"
#include "survey/survey_content.h"
#include "survey/survey_links.h"
#include "survey/survey_page_html.h"

namespace callexa {
namespace {

// The content with the defaults of its language and the installation's
// sender filled in, as the scheduler resolves it.
Result<SurveyContent> Resolve(const nlohmann::json &content,
                              const PreviewSettings &settings) {
  Result<SurveyContent> read = ReadSurveyContent(content);
  if (!read.ok()) return read.status();
  Result<SurveyContent> full = ParseSurveyContent(SurveyContentToJson(*read).dump());
  if (!full.ok()) return full.status();
  SurveyEmailContent &email = full->email;
  email.sender_address = settings.sender.address;
  if (email.sender_name.empty()) email.sender_name = settings.sender.name;
  Result<SurveyEmailContent> resolved = ResolveSurveyEmailContent(email);
  if (!resolved.ok()) return resolved.status();
  full->email = std::move(*resolved);
  return full;
}

}  // namespace

Result<SurveyPreview> RenderSurveyPreview(const nlohmann::json &content,
                                          const PreviewSettings &settings,
                                          const std::string &secret, int64_t now,
                                          int score) {
  Result<SurveyContent> c = Resolve(content, settings);
  if (!c.ok()) return c.status();
  const SurveyLinks links = MakeSurveyLinks(settings.survey_base_url, 0, secret, now);
  const std::string greeting = PersonalGreeting(c->email, kPreviewFirstName);
  SurveyPreview p;
  p.subject = c->email.subject;
  p.html = RenderSurveyHtmlBody(c->email, greeting, links);
  p.editable_html = RenderSurveyHtmlBody(c->email, greeting, links, /*mark_fields=*/true);
  p.text = RenderSurveyTextBody(c->email, greeting, links);
  const SurveyEmailContent reminder = ReminderContent(c->email);
  p.reminder_subject = reminder.subject;
  p.reminder_html = RenderSurveyHtmlBody(reminder, greeting, links);
  p.editable_reminder_html = RenderSurveyHtmlBody(reminder, greeting, links,
                                                  /*mark_fields=*/true, "reminder_intro");
  AnswerForm form;
  form.action = "#";
  form.score = score;
  // The admin shows the pages in a sandbox without scripts.
  form.with_script = false;
  p.page_html = RenderAnswerPage(*c, form, "preview");
  form.mark_fields = true;
  p.editable_page_html = RenderAnswerPage(*c, form, "preview");
  // A promoter's thank-you page shows the review invitation, if any.
  const std::string review =
      IsPromoterScore(score) && !c->page.review_url.empty() ? "#" : "";
  p.thank_you_html = RenderThankYouPage(*c, review, "", "preview");
  p.editable_thank_you_html =
      RenderThankYouPage(*c, review, "", "preview", /*mark=*/true);
  p.resolved_content = SurveyContentToJson(*c);
  return p;
}

Result<OutgoingMail> RenderTestEmail(const nlohmann::json &content, const std::string &to,
                                     const PreviewSettings &settings,
                                     const std::string &secret, int64_t now,
                                     const std::string &message_id_unique,
                                     int64_t survey_id) {
  Result<SurveyContent> c = Resolve(content, settings);
  if (!c.ok()) return c.status();
  c->email.subject = "[Test] " + c->email.subject;
  SurveyEmailInput input;
  input.recipient.email = to;
  input.recipient.first_name = kPreviewFirstName;
  input.links = MakeTestSurveyLinks(settings.survey_base_url, survey_id, secret, now);
  input.date_unix_seconds = now;
  input.message_id_unique = message_id_unique;
  input.message_id_domain = settings.message_id_domain;
  input.is_test = true;
  Result<std::string> data = RenderSurveyEmail(c->email, input);
  if (!data.ok()) return data.status();
  OutgoingMail mail;
  mail.envelope_from = settings.sender.address;
  mail.recipient = to;
  mail.message_id = message_id_unique + "@" + settings.message_id_domain;
  mail.data = std::move(*data);
  return mail;
}

}  // namespace callexa
