#include "mail/survey_email.h"

#include "common/email_address.h"
#include "common/web_url.h"
#include "mail/mime_encoding.h"
#include "mail/mime_message.h"
#include "mail/survey_body.h"

namespace callexa {

Result<std::string> RenderSurveyEmail(const SurveyEmailContent &raw_content,
                                      const SurveyEmailInput &input) {
  Result<SurveyEmailContent> resolved = ResolveSurveyEmailContent(raw_content);
  if (!resolved.ok()) return resolved.status();
  const SurveyEmailContent &content = *resolved;
  Status status = CheckSurveyLinks(input.links);
  if (!status.ok()) return status;
  if (!IsMessageIdUnique(input.message_id_unique) ||
      !IsValidDomain(input.message_id_domain) ||
      (!input.in_reply_to_unique.empty() &&
       !IsMessageIdUnique(input.in_reply_to_unique))) {
    return Status::InvalidArgument("invalid Message-ID parts");
  }
  Result<std::string> from =
      FormatMailbox(content.sender_name, content.sender_address, sizeof("From: ") - 1);
  if (!from.ok()) return from.status();
  Result<std::string> to =
      FormatMailbox(input.recipient.name, input.recipient.email, sizeof("To: ") - 1);
  if (!to.ok()) return to.status();

  const std::string message_id =
      "<" + input.message_id_unique + "@" + input.message_id_domain + ">";
  std::vector<MailHeader> headers = {
      {"Date", FormatRfc5322Date(input.date_unix_seconds)},
      {"From", *from},
      {"To", *to},
      {"Subject", EncodeHeaderWords(content.subject, sizeof("Subject: ") - 1)},
      {"Message-ID", message_id},
  };
  if (!input.in_reply_to_unique.empty()) {
    const std::string parent =
        "<" + input.in_reply_to_unique + "@" + input.message_id_domain + ">";
    headers.push_back({"In-Reply-To", parent});
    headers.push_back({"References", parent});
  }
  headers.push_back({"MIME-Version", "1.0"});
  if (input.is_test) headers.push_back({"X-Callexa-Test", "yes"});
  headers.push_back(
      {"List-Unsubscribe", "<" + input.links.one_click_unsubscribe_url + ">"});
  if (IsHttpsUrl(input.links.one_click_unsubscribe_url)) {
    headers.push_back({"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"});
  }
  const std::string greeting = PersonalGreeting(content, input.recipient.first_name);
  return BuildAlternativeMessage(headers, message_id,
                                 RenderSurveyTextBody(content, greeting, input.links),
                                 RenderSurveyHtmlBody(content, greeting, input.links));
}

}  // namespace callexa
