// A transport that DKIM-signs every message before another transport sends
// it: the one place where survey, test, report, alert, reply and any later
// kind of email get their DKIM-Signature (callexa_dkim).
#ifndef CALLEXA_MAIL_DKIM_TRANSPORT_H_
#define CALLEXA_MAIL_DKIM_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "mail/dkim_signer.h"
#include "mail/mail_transport.h"

namespace callexa {

// Thread safety is the inner transport's: signing itself is thread safe.
class DkimSigningTransport : public MailTransport {
 public:
  // `now` gives the signing time (t=), in Unix seconds; by default the
  // system clock.
  DkimSigningTransport(std::shared_ptr<const DkimSigner> signer,
                       std::unique_ptr<MailTransport> inner,
                       std::function<int64_t()> now = nullptr);

  // Sends `mail` with `data` signed. A message that cannot be signed (it is
  // not 7-bit CRLF, or OpenSSL failed) is not sent unsigned: it is a
  // kTemporaryFailure saying why, which is never the recipient's fault.
  SendResult Send(const OutgoingMail &mail) override;

 private:
  const std::shared_ptr<const DkimSigner> signer_;
  const std::unique_ptr<MailTransport> inner_;
  const std::function<int64_t()> now_;
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_DKIM_TRANSPORT_H_
