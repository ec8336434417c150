// Sending through an SMTP server with libcurl: smtp:// with STARTTLS,
// smtps://, authentication from a credentials file, and one connection
// kept open across messages.
#ifndef CALLEXA_MAIL_SMTP_TRANSPORT_H_
#define CALLEXA_MAIL_SMTP_TRANSPORT_H_

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "mail/mail_transport.h"

namespace callexa {

struct SmtpOptions {
  // smtp://host[:port] (default port 25) or smtps://host[:port] (465). No
  // user, password, path or query: credentials come from the file below,
  // the EHLO name from helo_domain.
  std::string url;
  // smtp:// only: insist on STARTTLS (CURLUSESSL_ALL), so that a server
  // that does not offer it, or a man in the middle who strips it, makes the
  // send fail instead of going out in clear text. Off means plain SMTP,
  // never STARTTLS: for a relay on the same host or a trusted network.
  // There is deliberately no "try" mode (CURLUSESSL_TRY): it gives no
  // protection against stripping, yet still fails when a relay offers
  // STARTTLS with a certificate that does not verify.
  bool require_tls = true;
  // A PEM file of CA certificates to verify the server with instead of the
  // system's; for a private CA or a self-signed relay certificate (pin the
  // certificate itself). Certificates are always verified.
  std::string ca_file;
  // A file holding "user:password" (the first ':' separates them; one
  // trailing newline is ignored), read once by Create. Empty: no AUTH.
  // Refused with smtp:// and require_tls off: the password would travel in
  // clear text.
  std::string credentials_file;
  // The name sent with EHLO; a host name or an address literal such as
  // "[192.0.2.1]". Empty: the machine's host name (gethostname), which
  // need not resolve; better the host of callexa_public_url.
  std::string helo_domain;
  long connect_timeout_ms = 10000;
  // The whole transfer of one message, connecting included; also the wait
  // for any single reply (and for the reply to QUIT in the destructor).
  long transfer_timeout_ms = 60000;
};

// The part of an SMTP dialogue that decides the outcome, as seen through
// libcurl's debug callback.
struct SmtpExchange {
  // The verb of the last command sent ("EHLO", "STARTTLS", "AUTH", "MAIL",
  // "RCPT", "DATA", ...), upper case; empty if none was sent. A reply that
  // follows the message body still counts as one to "DATA".
  std::string last_command;
  // The server's last reply line without CRLF, e.g. "550 5.1.1 No such
  // user"; empty if there was none.
  std::string last_reply;
};

// The outcome of one transfer, from libcurl's result, the last SMTP reply
// code (CURLINFO_RESPONSE_CODE, 0 if none), the dialogue and libcurl's
// error text. Pure.
//  - CURLE_OK: kSent.
//  - A 5xx reply to RCPT TO, to DATA or to the message: kPermanentFailure,
//    the address bounced.
//  - Everything else is kTemporaryFailure: any 4xx; no connection, a
//    timeout, TLS failures; and 5xx replies that are about us rather than
//    the recipient: to EHLO, STARTTLS, AUTH (535 wrong credentials, 530
//    authentication required) or MAIL FROM (sender refused). Bouncing the
//    recipient for those would suppress every customer because of one
//    configuration mistake; retrying lets the operator fix it.
// `detail` names the stage and quotes the server's reply or libcurl's error.
SendResult ClassifySmtpResult(CURLcode code, long smtp_code, const SmtpExchange &exchange,
                              std::string_view curl_error);

// Not thread safe: one instance per thread, or a mutex around Send. Each
// instance keeps one libcurl easy handle, and with it one open connection
// to the server, reused by the next Send (libcurl drops it after 118 s
// idle or when the server has closed it, and reconnects).
class SmtpTransport : public MailTransport {
 public:
  // Validates the options, reads the credentials file and prepares the
  // handle; it does not connect. InvalidArgument names the bad option (an
  // unreadable or malformed credentials file, a URL that is not smtp(s)://
  // host[:port]); Unavailable if libcurl cannot be initialised. Calls
  // EnsureCurlGlobalInit.
  static Result<std::unique_ptr<SmtpTransport>> Create(const SmtpOptions &options);
  ~SmtpTransport() override;
  SmtpTransport(const SmtpTransport &) = delete;
  SmtpTransport &operator=(const SmtpTransport &) = delete;

  // One SMTP transaction: MAIL FROM envelope_from, RCPT TO recipient, DATA
  // with `data` (libcurl dot-stuffs it). An address with a CR, LF, '<' or
  // '>' in it is refused before anything is sent: a bad recipient is
  // kPermanentFailure, a bad sender kTemporaryFailure.
  SendResult Send(const OutgoingMail &mail) override;

 private:
  // The message being uploaded by the current Send.
  struct Upload {
    const std::string *data = nullptr;
    size_t offset = 0;
  };
  static size_t ReadUpload(char *buffer, size_t size, size_t nitems, void *userdata);

  // The current Send's dialogue. libcurl ends a failed transaction with
  // QUIT; that exchange is not the one that decides the outcome.
  struct Dialogue {
    SmtpExchange exchange;
    bool quitting = false;
  };
  static int RecordDialogue(CURL *, curl_infotype type, char *data, size_t size,
                            void *userptr);

  explicit SmtpTransport(CURL *curl);

  CURL *const curl_;
  // libcurl holds pointers to these for the handle's life time.
  Upload upload_;
  Dialogue dialogue_;
  curl_slist *recipients_ = nullptr;
  char error_[CURL_ERROR_SIZE];
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_SMTP_TRANSPORT_H_
