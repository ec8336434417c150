// Making untrusted text safe to place in HTML.
#ifndef CALLEXA_COMMON_HTML_ESCAPE_H_
#define CALLEXA_COMMON_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace callexa {

// Replaces & < > " ' with entities, so the result is safe both as element
// text and inside a double- or single-quoted attribute value. Every other
// byte is copied unchanged.
std::string HtmlEscape(std::string_view text);

// HtmlEscape with each "\n" turned into "<br>\n", for multi-line texts.
std::string HtmlText(std::string_view text);

}  // namespace callexa

#endif  // CALLEXA_COMMON_HTML_ESCAPE_H_
