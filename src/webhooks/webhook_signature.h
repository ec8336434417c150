// Secrets, message ids and signatures of the Standard Webhooks
// specification (https://www.standardwebhooks.com).
#ifndef CALLEXA_WEBHOOKS_WEBHOOK_SIGNATURE_H_
#define CALLEXA_WEBHOOKS_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

// "whsec_" + base64 of 32 bytes from the kernel's CSPRNG. Throws
// std::runtime_error like RandomHex if the kernel has none to give.
std::string NewWebhookSecret();

// "v1,<base64 of HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">", keyed with
// the base64-decoded part of `secret` after "whsec_" (a secret without the
// prefix is decoded whole). InvalidArgument when the secret is not base64
// or decodes to nothing.
Result<std::string> StandardSignature(std::string_view secret, std::string_view msg_id,
                                      int64_t timestamp, std::string_view body);

// "msg_" + 32 random hex characters (128 bits): unguessable, and made of
// characters that need no escaping in a header.
std::string NewWebhookMessageId();

}  // namespace callexa

#endif  // CALLEXA_WEBHOOKS_WEBHOOK_SIGNATURE_H_
