// The sender of every email, as the callexa_mail_from directive gives it.
#ifndef CALLEXA_MAIL_MAIL_FROM_H_
#define CALLEXA_MAIL_MAIL_FROM_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

struct MailFrom {
  std::string name, address;
};

// "Name <address>", "\"Name, Inc.\" <address>" or a bare address;
// InvalidArgument when the brackets are unbalanced or the address invalid.
Result<MailFrom> ParseMailFrom(std::string_view text);

}  // namespace callexa

#endif  // CALLEXA_MAIL_MAIL_FROM_H_
