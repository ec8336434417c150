// Where survey emails go: an SMTP server or a directory of .eml files.
#ifndef CALLEXA_MAIL_MAIL_TRANSPORT_H_
#define CALLEXA_MAIL_MAIL_TRANSPORT_H_

#include <string>

namespace callexa {

struct OutgoingMail {
  std::string envelope_from;  // bare address for MAIL FROM
  std::string recipient;      // bare address for RCPT TO
  std::string message_id;     // without <>, e.g. "abc@host"; names .eml files
  std::string data;           // the whole RFC 5322 message, CRLF line endings
};

enum class SendOutcome { kSent, kTemporaryFailure, kPermanentFailure };

struct SendResult {
  SendOutcome outcome = SendOutcome::kSent;
  int smtp_code = 0;   // the server's last reply code; 0 when none came
  std::string detail;  // human readable, for invitations.last_error
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Blocks on network or disk I/O: call from a pool thread. Never throws.
  virtual SendResult Send(const OutgoingMail &mail) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_MAIL_TRANSPORT_H_
