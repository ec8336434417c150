#include "common/utf8.h"

namespace callexa {

// Length of the well-formed UTF-8 sequence at s[i] and its code point in
// *cp; 0 when the bytes there are not one.
size_t Utf8Sequence(std::string_view s, size_t i, uint32_t *cp) {
  const unsigned char b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t n = 0;
  uint32_t v = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, v = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, v = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, v = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

bool IsValidUtf8(std::string_view text) {
  uint32_t cp = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8Sequence(text, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  uint32_t cp = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8Sequence(text, i, &cp);
    if (n == 0) {
      out += kReplacementCharacter;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string SanitizeMultilineText(std::string_view text) {
  const std::string valid = ToValidUtf8(text);
  std::string out;
  out.reserve(valid.size());
  for (size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    const auto next = [&](size_t k) {
      return i + k < valid.size() ? static_cast<unsigned char>(valid[i + k]) : 0;
    };
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < valid.size() && valid[i + 1] == '\n') ++i;
    } else if (static_cast<unsigned char>(c) == 0xc2 && next(1) >= 0x80 &&
               next(1) <= 0x9f) {
      ++i;  // a C1 control (valid UTF-8 here, so two bytes)
    } else if (static_cast<unsigned char>(c) == 0xe2 && next(1) == 0x80 &&
               (next(2) == 0xa8 || next(2) == 0xa9)) {
      out.push_back('\n');  // U+2028 LINE / U+2029 PARAGRAPH SEPARATOR
      i += 2;
    } else if (c == '\n' || c == '\t' ||
               (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F)) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace callexa
