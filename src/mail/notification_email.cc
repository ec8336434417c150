#include "mail/notification_email.h"

#include "common/email_address.h"
#include "mail/mime_encoding.h"
#include "mail/mime_message.h"

namespace callexa {

Result<std::string> BuildNotificationEmail(const NotificationEnvelope &envelope,
                                           std::string_view subject,
                                           std::string_view text, std::string_view html) {
  if (!IsMessageIdUnique(envelope.message_id_unique) ||
      !IsValidDomain(envelope.message_id_domain)) {
    return Status::InvalidArgument("invalid Message-ID parts");
  }
  Result<std::string> from =
      FormatMailbox(envelope.sender.name, envelope.sender.address, sizeof("From: ") - 1);
  if (!from.ok()) return from.status();
  Result<std::string> to = FormatMailbox("", envelope.recipient, sizeof("To: ") - 1);
  if (!to.ok()) return to.status();
  const std::string message_id =
      "<" + envelope.message_id_unique + "@" + envelope.message_id_domain + ">";
  return BuildAlternativeMessage(
      {
          {"Date", FormatRfc5322Date(envelope.date)},
          {"From", *from},
          {"To", *to},
          {"Subject", EncodeHeaderWords(subject, sizeof("Subject: ") - 1)},
          {"Message-ID", message_id},
          {"MIME-Version", "1.0"},
          {"Auto-Submitted", "auto-generated"},
      },
      message_id, text, html);
}

}  // namespace callexa
