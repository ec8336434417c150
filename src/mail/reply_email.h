// An owner's reply to a customer's answer, as a complete RFC 5322
// message: threaded under the survey email (In-Reply-To and References),
// Reply-To the survey's reply address so the customer's answer reaches
// the owner's own mailbox. Pure.
#ifndef CALLEXA_MAIL_REPLY_EMAIL_H_
#define CALLEXA_MAIL_REPLY_EMAIL_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace callexa {

struct ReplyEmailInput {
  std::string sender_name, sender_address;  // as the survey email's From
  std::string reply_to;                     // "" for no Reply-To
  std::string recipient_name, recipient_email;
  std::string survey_subject;  // "Re: " is put before it
  std::string text;            // the owner's words, plain text with line breaks
  int64_t date_unix_seconds = 0;
  std::string message_id_unique;         // this reply's, 1..64 of [A-Za-z0-9._-]
  std::string survey_message_id_unique;  // the survey email's; "" when unknown
  std::string message_id_domain;
};

// Date, From, Reply-To, To, Subject, Message-ID, In-Reply-To, References,
// MIME-Version, then a text part and an HTML part with the text escaped.
// InvalidArgument for a bad address or Message-ID part.
Result<std::string> RenderReplyEmail(const ReplyEmailInput &input);

}  // namespace callexa

#endif  // CALLEXA_MAIL_REPLY_EMAIL_H_
