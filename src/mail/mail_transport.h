// How a rendered message leaves the process: the interface the scheduler
// sends through, whether the message goes to an SMTP server or to a folder
// of .eml files. The three outcomes are what the invitation's state needs:
// sent, try again later, or never again for this address.
#ifndef CALLEXA_MAIL_MAIL_TRANSPORT_H_
#define CALLEXA_MAIL_MAIL_TRANSPORT_H_

#include <string>

namespace callexa {

struct OutgoingMail {
  std::string envelope_from;  // bare address for MAIL FROM
  std::string recipient;      // bare address for RCPT TO
  std::string message_id;     // without <>, e.g. "abc@host"; names the .eml file
  std::string data;           // the complete RFC 5322 message, CRLF line endings
};

enum class SendOutcome {
  kSent,
  // Try again later (backoff): the server or the network is down, the
  // server said 4xx, or the operator's setup is wrong (credentials, sender).
  kTemporaryFailure,
  // The receiving side refused this recipient or this message for good (a
  // 5xx to RCPT TO or to the message itself): the address bounced.
  kPermanentFailure,
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kTemporaryFailure;
  int smtp_code = 0;   // the server's last reply code; 0 if none applies
  std::string detail;  // human readable, for invitations.last_error
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Delivers one message. Blocks on network or disk I/O, so call it from a
  // pool thread, never from the event loop. Never throws: every failure is
  // a SendResult.
  virtual SendResult Send(const OutgoingMail &mail) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_MAIL_TRANSPORT_H_
