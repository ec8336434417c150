// The frame of the emails Callexa writes to the operator's own people
// (report emails, alerts), as opposed to customers: no Reply-To (a reply
// has nowhere useful to go) and Auto-Submitted: auto-generated (RFC 3834:
// no auto-replies). Pure.
#ifndef CALLEXA_MAIL_NOTIFICATION_EMAIL_H_
#define CALLEXA_MAIL_NOTIFICATION_EMAIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "mail/mail_from.h"

namespace callexa {

struct NotificationEnvelope {
  MailFrom sender;
  std::string recipient;          // a bare address
  int64_t date = 0;               // the Date header, Unix seconds
  std::string message_id_unique;  // the same for every copy of one message
  std::string message_id_domain;
};

// The whole RFC 5322 message: Date, From, To, Subject, Message-ID,
// MIME-Version, Auto-Submitted, then the text and HTML parts.
// InvalidArgument for a bad address or Message-ID part.
Result<std::string> BuildNotificationEmail(const NotificationEnvelope &envelope,
                                           std::string_view subject,
                                           std::string_view text, std::string_view html);

}  // namespace callexa

#endif  // CALLEXA_MAIL_NOTIFICATION_EMAIL_H_
