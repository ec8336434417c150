#include "mail/reply_email.h"

#include <vector>

#include "common/email_address.h"
#include "common/html_escape.h"
#include "mail/mime_encoding.h"
#include "mail/mime_message.h"

namespace callexa {
namespace {

// The text's paragraphs (blank lines) and line breaks, escaped.
std::string HtmlBody(const std::string &text) {
  std::string html =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
      "<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;"
      "line-height:1.5;color:#1f2933\"><p>";
  std::string line;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n') {
      if (text[i] != '\r') line += text[i];
      continue;
    }
    html += HtmlEscape(line);
    line.clear();
    if (i == text.size()) break;
    if (i + 1 < text.size() && text[i + 1] == '\n') {
      html += "</p><p>";
      while (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      html += "<br>";
    }
  }
  return html + "</p></body></html>";
}

}  // namespace

Result<std::string> RenderReplyEmail(const ReplyEmailInput &in) {
  if (!IsMessageIdUnique(in.message_id_unique) || !IsValidDomain(in.message_id_domain) ||
      (!in.survey_message_id_unique.empty() &&
       !IsMessageIdUnique(in.survey_message_id_unique))) {
    return Status::InvalidArgument("invalid Message-ID parts");
  }
  Result<std::string> from =
      FormatMailbox(in.sender_name, in.sender_address, sizeof("From: ") - 1);
  if (!from.ok()) return from.status();
  Result<std::string> to =
      FormatMailbox(in.recipient_name, in.recipient_email, sizeof("To: ") - 1);
  if (!to.ok()) return to.status();
  const std::string message_id =
      "<" + in.message_id_unique + "@" + in.message_id_domain + ">";
  std::vector<MailHeader> headers = {
      {"Date", FormatRfc5322Date(in.date_unix_seconds)},
      {"From", *from},
  };
  if (!in.reply_to.empty()) {
    Result<std::string> reply_to =
        FormatMailbox("", in.reply_to, sizeof("Reply-To: ") - 1);
    if (!reply_to.ok()) return reply_to.status();
    headers.push_back({"Reply-To", *reply_to});
  }
  headers.push_back({"To", *to});
  headers.push_back(
      {"Subject", EncodeHeaderWords(SanitizeHeaderText("Re: " + in.survey_subject),
                                    sizeof("Subject: ") - 1)});
  headers.push_back({"Message-ID", message_id});
  if (!in.survey_message_id_unique.empty()) {
    const std::string parent =
        "<" + in.survey_message_id_unique + "@" + in.message_id_domain + ">";
    headers.push_back({"In-Reply-To", parent});
    headers.push_back({"References", parent});
  }
  headers.push_back({"MIME-Version", "1.0"});
  return BuildAlternativeMessage(headers, message_id, in.text, HtmlBody(in.text));
}

}  // namespace callexa
