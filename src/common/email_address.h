// Email addresses in the one form every entry point stores (Segment's
// identify, the admin's recipients and settings) and the mail code sends
// to: whatever is accepted here can be delivered, so nothing is answered
// 200 at ingest and then failed for good by the scheduler.
#ifndef CALLEXA_COMMON_EMAIL_ADDRESS_H_
#define CALLEXA_COMMON_EMAIL_ADDRESS_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

// Trims `raw`, lowercases it and writes an internationalised domain as
// its A-labels (IDNA2008 with UTS #46 mapping: "jane@exämple.com" gives
// "jane@xn--exmple-cua.com"). InvalidArgument with the reason, worded to
// follow the field's name ("is not a valid email address"), when the
// result is not an address IsValidMailAddress accepts with a dot in its
// domain; a local part outside ASCII is refused, since sending to one needs
// SMTPUTF8 all the way to the recipient.
Result<std::string> NormalizeEmail(std::string_view raw);

// True for an addr-spec the mail code sends to: an ASCII dot-atom local
// part (at most 64 characters) "@" a host name of letters, digits and
// hyphens, at most 254 characters in all. Quoted local parts, address
// literals and internationalised addresses are refused.
bool IsValidMailAddress(std::string_view address);

// True for a host name: dot-separated labels of letters, digits and
// hyphens, none starting or ending with a hyphen, at most 253 characters.
bool IsValidDomain(std::string_view domain);

}  // namespace callexa

#endif  // CALLEXA_COMMON_EMAIL_ADDRESS_H_
