#include "common/status.h"

namespace callexa {

int Status::http_status() const {
  switch (code_) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthorized:
      return 401;
    case Code::kForbidden:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kMethodNotAllowed:
      return 405;
    case Code::kConflict:
      return 409;
    case Code::kTooLarge:
      return 413;
    case Code::kUnsupportedMedia:
      return 415;
    case Code::kNotImplemented:
      return 501;
    case Code::kUnavailable:
      return 503;
    case Code::kIOError:
      return 500;
  }
  return 500;
}

}  // namespace callexa
