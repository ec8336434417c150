// Making untrusted text safe to place in HTML, and the links we accept.
#ifndef CALLEXA_MAIL_HTML_ESCAPE_H_
#define CALLEXA_MAIL_HTML_ESCAPE_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

// Replaces & < > " ' with entities, so the result is safe both as element
// text and inside a double- or single-quoted attribute value. Every other
// byte is copied unchanged.
std::string HtmlEscape(std::string_view text);

// HtmlEscape with each "\n" turned into "<br>\n", for multi-line texts.
std::string HtmlText(std::string_view text);

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

#endif  // CALLEXA_MAIL_HTML_ESCAPE_H_
