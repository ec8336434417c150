#include "mail/mail_from.h"

#include "common/email_address.h"
#include "mail/mime_encoding.h"

namespace callexa {

Result<MailFrom> ParseMailFrom(std::string_view text) {
  MailFrom from;
  const size_t open = text.rfind('<');
  if (open == std::string_view::npos) {
    from.address = std::string(text);
  } else {
    const size_t close = text.find('>', open);
    if (close == std::string_view::npos || close + 1 != text.size()) {
      return Status::InvalidArgument("mail from \"" + std::string(text) +
                                     "\": expected Name <address>");
    }
    from.address = std::string(text.substr(open + 1, close - open - 1));
    std::string_view name = text.substr(0, open);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    from.name = std::string(name);
  }
  if (!IsValidMailAddress(from.address)) {
    return Status::InvalidArgument("mail from \"" + std::string(text) +
                                   "\": not a valid address");
  }
  return from;
}

}  // namespace callexa
