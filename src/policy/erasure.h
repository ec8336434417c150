// Erasure on request (GDPR art. 17): the person's customer rows,
// invitations, answers and testimonials go, and what stays is only a
// suppression under a one-way key of their address, so that a later
// identify of the same address is recognised and never surveyed again
// without the address being kept.
#ifndef CALLEXA_POLICY_ERASURE_H_
#define CALLEXA_POLICY_ERASURE_H_

#include <string>
#include <string_view>

namespace callexa {

// "erased:<sha256 of the normalised address, hex>": the suppression key of
// an erased person. `email` must already be normalised (NormalizeEmail).
std::string ErasedEmailKey(std::string_view email);

}  // namespace callexa

#endif  // CALLEXA_POLICY_ERASURE_H_
