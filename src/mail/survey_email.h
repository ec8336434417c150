// The survey invitation as a complete RFC 5322 message, ready for SMTP or
// an .eml file: a pure function of the survey's content, the recipient,
// the links and the caller's choice of date and Message-ID.
#ifndef CALLEXA_MAIL_SURVEY_EMAIL_H_
#define CALLEXA_MAIL_SURVEY_EMAIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "mail/email_content.h"
#include "mail/mime_message.h"

namespace callexa {

struct SurveyRecipient {
  std::string email;       // required
  std::string name;        // To display name; may be empty
  std::string first_name;  // for the greeting; empty gives greeting_no_name
};

// Everything that differs from one invitation to the next.
struct SurveyEmailInput {
  SurveyRecipient recipient;
  SurveyLinks links;
  int64_t date_unix_seconds = 0;  // the Date header
  // Message-ID is <message_id_unique@message_id_domain>. The unique part
  // comes from the caller (e.g. RandomHex(16)) so that rendering stays
  // pure and a retry can resend the very same message.
  std::string message_id_unique;  // 1..64 of [A-Za-z0-9._-]
  std::string message_id_domain;  // a host name
  // A reminder: the unique part of the survey email's Message-ID (same
  // domain), named in In-Reply-To and References so that mail clients
  // thread the two. Empty for the survey email itself.
  std::string in_reply_to_unique;
  // The owner's test email: an "X-Callexa-Test: yes" header says so to
  // filters and to the owner.
  bool is_test = false;
};

// The whole message, CRLF line endings, no line over 998 characters:
//   Date, From, To, Subject (RFC 2047 when not ASCII), Message-ID,
//   In-Reply-To and References (a reminder only), MIME-Version,
//   List-Unsubscribe: <one-click URL>,
//   List-Unsubscribe-Post: List-Unsubscribe=One-Click, and
//   Content-Type: multipart/alternative with a text/plain part first and a
//   text/html part last, both UTF-8 and quoted-printable.
// `content` is resolved here (ResolveSurveyEmailContent), so raw owner
// settings may be passed. InvalidArgument for bad content, an invalid
// recipient address, a link that fails CheckSurveyLinks, or a bad
// Message-ID part. Names and texts with CR/LF are neutralised, never
// copied into a header as line breaks.
Result<std::string> RenderSurveyEmail(const SurveyEmailContent &content,
                                      const SurveyEmailInput &input);

}  // namespace callexa

#endif  // CALLEXA_MAIL_SURVEY_EMAIL_H_
