// Decoders the mail tests use to read back what src/mail produces: written
// independently of the encoders, from the RFCs, so a bug is not mirrored.
#ifndef CALLEXA_TESTS_UNIT_MAIL_MAIL_TEST_UTIL_H_
#define CALLEXA_TESTS_UNIT_MAIL_MAIL_TEST_UTIL_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/encoding.h"

namespace callexa {
namespace mailtest {

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2045 6.7: "=" CRLF is a soft break, "=XX" a byte, CRLF stays CRLF.
// nullopt for a malformed "=" sequence.
inline std::optional<std::string> QuotedPrintableDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
      continue;
    }
    if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// One "=?charset?B|Q?text?=" word (UTF-8 only); nullopt if `word` is not one.
inline std::optional<std::string> DecodeEncodedWord(std::string_view word) {
  if (word.size() < 8 || word.substr(0, 2) != "=?" ||
      word.substr(word.size() - 2) != "?=")
    return std::nullopt;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const size_t q1 = inner.find('?');
  if (q1 == std::string_view::npos || q1 + 2 >= inner.size() || inner[q1 + 2] != '?')
    return std::nullopt;
  std::string charset(inner.substr(0, q1));
  for (char &c : charset) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (charset != "UTF-8") return std::nullopt;
  const char encoding = inner[q1 + 1];
  const std::string_view text = inner.substr(q1 + 3);
  if (text.find('?') != std::string_view::npos ||
      text.find(' ') != std::string_view::npos)
    return std::nullopt;
  if (encoding == 'B' || encoding == 'b') return Base64Decode(text);
  if (encoding != 'Q' && encoding != 'q') return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out.push_back(' ');
    } else if (text[i] == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// An unfolded header value with its encoded words decoded; white space
// between two adjacent encoded words disappears (RFC 2047 6.2).
inline std::string DecodeHeaderValue(std::string_view value) {
  std::string out, space;
  bool after_word = false;
  size_t i = 0;
  while (i < value.size()) {
    if (value[i] == ' ' || value[i] == '\t') {
      space.push_back(value[i++]);
      continue;
    }
    size_t end = value.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view token = value.substr(i, end - i);
    const std::optional<std::string> decoded = DecodeEncodedWord(token);
    if (!decoded || !after_word) out += space;
    out += decoded ? *decoded : std::string(token);
    after_word = decoded.has_value();
    space.clear();
    i = end;
  }
  return out + space;
}

// Removes the CRLF of every fold (CRLF followed by space or tab).
inline std::string Unfold(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 2) == "\r\n" && i + 2 < s.size() &&
        (s[i + 2] == ' ' || s[i + 2] == '\t')) {
      ++i;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

inline std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t pos; (pos = s.find("\r\n", start)) != std::string_view::npos;
       start = pos + 2)
    lines.emplace_back(s.substr(start, pos - start));
  if (start < s.size()) lines.emplace_back(s.substr(start));
  return lines;
}

// A header block (folded, CRLF-terminated lines) as (name, unfolded value)
// pairs, the value without the space after the colon.
inline std::vector<std::pair<std::string, std::string>> ParseHeaders(
    std::string_view block) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const std::string &line : SplitLines(Unfold(block))) {
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      headers.emplace_back(line, "<no colon>");
      continue;
    }
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    headers.emplace_back(line.substr(0, colon), value);
  }
  return headers;
}

}  // namespace mailtest
}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_MAIL_MAIL_TEST_UTIL_H_
