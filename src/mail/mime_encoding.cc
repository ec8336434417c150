#include "mail/mime_encoding.h"

#include <algorithm>
#include <cstdio>

#include "common/email_address.h"
#include "common/encoding.h"
#include "common/utf8.h"

namespace callexa {
namespace {

const char kHex[] = "0123456789ABCDEF";

void AppendHexEscape(unsigned char byte, std::string *out) {
  out->push_back('=');
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 15]);
}

bool IsLineBreakAt(std::string_view s, size_t i) {
  return i < s.size() &&
         (s[i] == '\n' || (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n'));
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Characters the Q encoding may leave as they are, even inside a phrase
// (RFC 2047 5(3)).
bool IsQSafe(char c) {
  return IsAlnum(c) || std::string_view("!*+-/").find(c) != std::string_view::npos;
}

size_t QEncodedLength(std::string_view bytes) {
  size_t n = 0;
  for (char c : bytes) n += (IsQSafe(c) || c == ' ') ? 1 : 3;
  return n;
}

std::string QEncode(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    if (IsQSafe(c)) {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('_');
    } else {
      AppendHexEscape(static_cast<unsigned char>(c), &out);
    }
  }
  return out;
}

size_t BEncodedLength(size_t bytes) { return (bytes + 2) / 3 * 4; }

bool NeedsEncodedWords(std::string_view text) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return true;
  }
  return text.find("=?") != std::string_view::npos;
}

}  // namespace

std::string QuotedPrintableEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 16);
  size_t column = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (IsLineBreakAt(text, i)) {
      out += "\r\n";
      column = 0;
      i += text[i] == '\r' ? 2 : 1;
      continue;
    }
    const char c = text[i];
    const unsigned char u = static_cast<unsigned char>(c);
    const bool line_end = i + 1 == text.size() || IsLineBreakAt(text, i + 1);
    bool literal =
        (u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
    // The last character of a line may use column 76; any other must leave
    // room for the "=" of a soft break.
    const size_t width = literal ? 1 : 3;
    if (column + width > kQuotedPrintableLineLimit - 1 &&
        !(line_end && column + width <= kQuotedPrintableLineLimit)) {
      out += "=\r\n";
      column = 0;
    }
    if (column == 0 && (c == '.' || text.substr(i, 5) == "From ")) literal = false;
    if (literal) {
      out.push_back(c);
      ++column;
    } else {
      AppendHexEscape(u, &out);
      column += 3;
    }
    ++i;
  }
  return out;
}

std::string SanitizeHeaderText(std::string_view text, size_t max_bytes) {
  std::string out;
  bool pending_space = false;
  uint32_t cp = 0;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Sequence(text, i, &cp);
    std::string_view piece = text.substr(i, n);
    if (n == 0) {
      n = 1;
      piece = kReplacementCharacter;
      cp = 0xFFFD;
    }
    i += n;
    const bool blank =
        cp <= 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
    if (blank) {
      pending_space = !out.empty();
      continue;
    }
    const size_t need = piece.size() + (pending_space ? 1 : 0);
    if (out.size() + need > max_bytes) break;
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(piece);
  }
  return out;
}

std::string EncodeHeaderWords(std::string_view text, size_t first_line_used) {
  if (!NeedsEncodedWords(text)) return std::string(text);
  const bool use_b = BEncodedLength(text.size()) < QEncodedLength(text);
  const std::string_view prefix = use_b ? "=?UTF-8?B?" : "=?UTF-8?Q?";
  const size_t overhead = prefix.size() + 2;  // "?=" closes the word
  // Room enough for one 4-byte character in either encoding.
  const size_t kMinWord = 24;
  size_t limit = kEncodedWordLimit;
  if (first_line_used < kQuotedPrintableLineLimit) {
    limit = std::min(limit, kQuotedPrintableLineLimit - first_line_used);
  }
  limit = std::max(limit, kMinWord);

  std::string out;
  size_t start = 0, end = 0;
  auto flush = [&]() {
    const std::string_view chunk = text.substr(start, end - start);
    if (!out.empty()) out.push_back(' ');
    out += prefix;
    out += use_b ? Base64Encode(chunk) : QEncode(chunk);
    out += "?=";
    start = end;
    limit = kEncodedWordLimit;
  };
  uint32_t cp = 0;
  while (end < text.size()) {
    size_t n = Utf8Sequence(text, end, &cp);
    if (n == 0) n = 1;  // an ill-formed byte travels on its own
    const std::string_view chunk = text.substr(start, end + n - start);
    const size_t size = use_b ? BEncodedLength(chunk.size()) : QEncodedLength(chunk);
    if (overhead + size > limit && end > start) flush();
    end += n;
  }
  if (end > start) flush();
  return out;
}

Result<std::string> FormatMailbox(std::string_view display_name, std::string_view address,
                                  size_t first_line_used) {
  if (!IsValidMailAddress(address)) {
    return Status::InvalidArgument("not a valid email address: " +
                                   SanitizeHeaderText(address, 80));
  }
  const std::string name = SanitizeHeaderText(display_name);
  if (name.empty()) return std::string(address);
  std::string out;
  if (NeedsEncodedWords(name)) {
    out = EncodeHeaderWords(name, first_line_used);
  } else {
    out.push_back('"');
    for (char c : name) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += " <";
  out += address;
  out += '>';
  return out;
}

std::string FormatRfc5322Date(int64_t unix_seconds) {
  static const char *const kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t kLast = 253402300799;  // 9999-12-31T23:59:59Z
  const int64_t t = std::clamp<int64_t>(unix_seconds, 0, kLast);
  const int64_t days = t / 86400;
  const int64_t secs = t % 86400;
  // Howard Hinnant's civil-from-days, for days >= 0.
  const int64_t z = days + 719468;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[days % 7],
                static_cast<int>(day), kMonths[month - 1], static_cast<int>(year),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

Result<std::string> FormatHeader(std::string_view name, std::string_view value) {
  if (name.empty() || name.size() > 76) {
    return Status::InvalidArgument("header name must have 1 to 76 characters");
  }
  for (char c : name) {
    if (c < 33 || c > 126 || c == ':') {
      return Status::InvalidArgument("invalid character in a header name");
    }
  }
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c != '\t' && (u < 0x20 || u >= 0x7F)) {
      return Status::InvalidArgument("header " + std::string(name) +
                                     " contains a line break, control character "
                                     "or non-ASCII byte");
    }
  }
  std::string out(name);
  out.push_back(':');
  size_t line = out.size();
  size_t pos = 0;
  bool first = true;
  while (!value.empty()) {
    const size_t space = value.find(' ', pos);
    const std::string_view word =
        value.substr(pos, space == std::string_view::npos ? space : space - pos);
    // Fold before a word that would overflow, never before an empty one
    // (a line of white space only is not allowed).
    if (!first && !word.empty() && line + 1 + word.size() > kHeaderLineLimit) {
      out += "\r\n";
      line = 0;
    }
    out.push_back(' ');
    out += word;
    line += 1 + word.size();
    if (line > kMaxLineLength) {
      return Status::InvalidArgument("header " + std::string(name) +
                                     " has a line over 998 characters");
    }
    first = false;
    if (space == std::string_view::npos) break;
    pos = space + 1;
  }
  out += "\r\n";
  return out;
}

}  // namespace callexa
