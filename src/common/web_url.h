// The links we accept in messages, pages and configuration.
#ifndef CALLEXA_COMMON_WEB_URL_H_
#define CALLEXA_COMMON_WEB_URL_H_

#include <cstddef>
#include <string_view>

#include "common/status.h"

namespace callexa {

// The longest link we put into a message.
constexpr size_t kMaxUrlLength = 2000;

// OK for an absolute http:// or https:// URL (scheme in any case) with a
// non-empty host and no user info ("https://bank.example@evil.example"),
// made of printable ASCII without space, quotes, angle brackets, backslash
// or backtick, at most kMaxUrlLength long. With `require_https`, only
// https. InvalidArgument naming `what` otherwise, so javascript:, data:
// and the like never reach an href or a header.
Status CheckWebUrl(std::string_view url, bool require_https, std::string_view what);

// True when `url` starts with "https://" in any case.
bool IsHttpsUrl(std::string_view url);

}  // namespace callexa

#endif  // CALLEXA_COMMON_WEB_URL_H_
