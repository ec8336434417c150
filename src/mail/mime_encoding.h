// Encodings of Internet mail (RFC 2045, 2047, 5322) as pure functions:
// quoted-printable bodies, encoded words for non-ASCII header text,
// mailboxes, dates and folded header fields. Nothing here does I/O.
//
// Header injection: FormatHeader refuses any CR, LF or other control
// character in a value, and every text that reaches a header through the
// helpers below is either cleaned (SanitizeHeaderText) or encoded, so no
// caller-supplied string can start a new header line or end the header.
#ifndef CALLEXA_MAIL_MIME_ENCODING_H_
#define CALLEXA_MAIL_MIME_ENCODING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

// The longest line a quoted-printable body may have (RFC 2045 6.7).
constexpr size_t kQuotedPrintableLineLimit = 76;
// Lines of a header field are folded to this length where whitespace allows.
constexpr size_t kHeaderLineLimit = 78;
// No line of a message may be longer than this (RFC 5322 2.1.1).
constexpr size_t kMaxLineLength = 998;
// The longest encoded word (RFC 2047 2).
constexpr size_t kEncodedWordLimit = 75;

// Quoted-printable (RFC 2045 6.7). "\n" and "\r\n" in `text` are hard line
// breaks and come out as CRLF; a lone "\r" is encoded as =0D. "=", bytes
// outside printable ASCII, and a space or tab at the end of a line are
// encoded; so are a "." or the "F" of "From " at the start of a line, so
// that neither SMTP dot handling nor mbox quoting can alter the body.
// Lines are at most 76 characters, soft breaks ("=" CRLF) included.
// The output never contains "=_", which makes "=_..." a boundary that no
// quoted-printable body can contain. Ends in CRLF only if `text` ends in
// a line break.
std::string QuotedPrintableEncode(std::string_view text);

// Text from customers or owners made fit for one header line: valid UTF-8,
// every control character (C0, DEL, C1, U+2028/U+2029) and run of
// whitespace turned into a single space, trimmed, and cut at a character
// boundary to at most `max_bytes` bytes.
std::string SanitizeHeaderText(std::string_view text, size_t max_bytes = 256);

// Unstructured header text (Subject) or a display name. Printable ASCII
// without "=?" is returned unchanged. Anything else becomes RFC 2047
// encoded words ("=?UTF-8?B?...?=" or "=?UTF-8?Q?...?=", whichever is
// shorter) separated by single spaces, where FormatHeader may fold. Each
// word holds whole UTF-8 characters and is at most 75 characters; the
// first is short enough to end by column 76 when `first_line_used`
// characters (such as "Subject: ") precede it. The Q form only leaves
// letters, digits and "!*+-/" unencoded, so it is valid in a phrase too.
// `text` must be valid UTF-8 without control characters: use
// SanitizeHeaderText on anything else.
std::string EncodeHeaderWords(std::string_view text, size_t first_line_used);

// `"Display Name" <address>`; a plain `address` when the cleaned name is
// empty. The name goes through SanitizeHeaderText, then becomes a
// quoted-string (with `"` and `\` escaped) when it is ASCII, or encoded
// words when it is not. InvalidArgument when `address` is not valid.
// `first_line_used` is as for EncodeHeaderWords (6 for "From: ").
Result<std::string> FormatMailbox(std::string_view display_name, std::string_view address,
                                  size_t first_line_used);

// "Sat, 28 Nov 2026 10:00:00 +0000" (RFC 5322 3.3, always UTC). Times
// outside years 1970..9999 are clamped to that range.
std::string FormatRfc5322Date(int64_t unix_seconds);

// One header field, "Name: value" CRLF, folded at spaces so lines stay
// within 78 characters where the value allows it. The name must be 1 to 76
// printable ASCII characters without ":". The value must already be ASCII
// (use EncodeHeaderWords or FormatMailbox): InvalidArgument for any byte
// outside printable ASCII other than space and tab -- CR and LF above all --
// and when a line would still exceed 998 characters.
Result<std::string> FormatHeader(std::string_view name, std::string_view value);

}  // namespace callexa

#endif  // CALLEXA_MAIL_MIME_ENCODING_H_
