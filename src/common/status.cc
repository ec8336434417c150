#include "common/status.h"

namespace callexa {

std::string Status::ToLogString() const {
  if (detail_.empty()) return message_;
  if (message_.empty()) return detail_;
  return message_ + ": " + detail_;
}

}  // namespace callexa
