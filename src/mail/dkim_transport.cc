#include "mail/dkim_transport.h"

#include <ctime>
#include <utility>

namespace callexa {

DkimSigningTransport::DkimSigningTransport(std::shared_ptr<const DkimSigner> signer,
                                           std::unique_ptr<MailTransport> inner,
                                           std::function<int64_t()> now)
    : signer_(std::move(signer)),
      inner_(std::move(inner)),
      now_(now ? std::move(now) : std::function<int64_t()>([] {
        return static_cast<int64_t>(time(nullptr));
      })) {}

SendResult DkimSigningTransport::Send(const OutgoingMail &mail) {
  auto signed_data = signer_->Sign(mail.data, now_());
  if (!signed_data.ok()) {
    SendResult result;
    result.outcome = SendOutcome::kTemporaryFailure;
    result.detail = "not sent: " + signed_data.status().message();
    return result;
  }
  OutgoingMail out = mail;
  out.data = std::move(signed_data.value());
  return inner_->Send(out);
}

}  // namespace callexa
