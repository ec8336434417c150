// What the Setup page shows about DKIM (GET api/installation's "dkim"):
// the TXT records to publish and whether the signing domain is aligned
// with the sender's, for DMARC.
#ifndef CALLEXA_ADMIN_DKIM_SETUP_H_
#define CALLEXA_ADMIN_DKIM_SETUP_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "mail/dkim_signer.h"

namespace callexa {

// null without callexa_dkim (`signer` null). Otherwise
//   {"domain": "example.com", "selector": "s1",
//    "records": [{"algorithm": "rsa-sha256",
//                 "name": "s1._domainkey.example.com",
//                 "value": "v=DKIM1; k=rsa; p=..."}, ...],
//    "from_domain": "mail.example.com" or null, "aligned": true/false/null}
// `from_address` is callexa_mail_from's address, empty when unset (then
// from_domain and aligned are null). Public keys only: nothing secret.
nlohmann::json DkimSetupJson(const DkimSigner *signer, std::string_view from_address);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_DKIM_SETUP_H_
