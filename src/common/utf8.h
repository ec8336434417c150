// UTF-8 text from customers and owners: checked, made well-formed, and
// cleaned of control characters. Pure functions, shared by the mail
// encodings (mail/mime_encoding.h) and the rich-text documents
// (richtext/rich_text.h).
#ifndef CALLEXA_COMMON_UTF8_H_
#define CALLEXA_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace callexa {

inline constexpr char kReplacementCharacter[] = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i] and its code point in
// *cp; 0 when the bytes there are not one.
size_t Utf8Sequence(std::string_view s, size_t i, uint32_t *cp);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view text);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);

// Multi-line text from customers or owners: valid UTF-8, CRLF, CR and the
// Unicode line and paragraph separators turned into "\n", every other
// control character (C0, DEL, C1) but tab dropped.
std::string SanitizeMultilineText(std::string_view text);

}  // namespace callexa

#endif  // CALLEXA_COMMON_UTF8_H_
