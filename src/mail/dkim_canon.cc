#include "mail/dkim_canon.h"

#include <algorithm>

#include "mail/mime_encoding.h"

namespace callexa {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// `s` with every run of space and tab made one space and the white space at
// both ends removed (`trim_front`) or at the end only.
std::string CompressWhitespace(std::string_view s, bool trim_front) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (IsWsp(c)) {
      space = true;
      continue;
    }
    if (space && !(trim_front && out.empty())) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string_view TrimTrailingWsp(std::string_view s) {
  while (!s.empty() && IsWsp(s.back())) s.remove_suffix(1);
  return s;
}

bool SameName(std::string_view a, std::string_view b) {
  a = TrimTrailingWsp(a);
  b = TrimTrailingWsp(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

}  // namespace

Result<SplitMessageResult> SplitMessage(std::string_view message) {
  SplitMessageResult out;
  size_t pos = 0;
  size_t value_start = 0;
  bool open = false;  // a field is being read; its value starts at value_start
  while (pos < message.size()) {
    size_t end = message.find("\r\n", pos);
    if (end == std::string_view::npos) end = message.size();
    const std::string_view line = message.substr(pos, end - pos);
    if (line.empty()) {
      if (open)
        out.headers.back().value = message.substr(value_start, pos - 2 - value_start);
      out.body = message.substr(std::min(message.size(), end + 2));
      return out;
    }
    if (IsWsp(line[0])) {
      if (!open) return Status::InvalidArgument("the message starts with a folded line");
    } else {
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return Status::InvalidArgument("a header line has no field name");
      }
      if (open)
        out.headers.back().value = message.substr(value_start, pos - 2 - value_start);
      out.headers.push_back({line.substr(0, colon), {}});
      value_start = pos + colon + 1;
      open = true;
    }
    pos = end + 2;
  }
  if (open) {
    const size_t end = message.size() >= 2 && message.substr(message.size() - 2) == "\r\n"
                           ? message.size() - 2
                           : message.size();
    out.headers.back().value = message.substr(value_start, end - value_start);
  }
  return out;
}

std::string RelaxedHeader(std::string_view name, std::string_view value) {
  std::string out;
  for (char c : TrimTrailingWsp(name)) out.push_back(Lower(c));
  out.push_back(':');
  std::string unfolded;
  unfolded.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      continue;
    }
    unfolded.push_back(value[i]);
  }
  out += CompressWhitespace(unfolded, true);
  out += "\r\n";
  return out;
}

std::string RelaxedBody(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  size_t empty_lines = 0;  // held back until a non-empty line follows them
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\r\n", pos);
    if (end == std::string_view::npos) end = body.size();
    const std::string line = CompressWhitespace(body.substr(pos, end - pos), false);
    pos = end + 2;
    if (line.empty()) {
      ++empty_lines;
      continue;
    }
    for (; empty_lines > 0; --empty_lines) out += "\r\n";
    out += line;
    out += "\r\n";
  }
  return out;
}

std::string RelaxedSignedHeaders(const std::vector<HeaderField> &headers,
                                 const std::vector<std::string> &signed_names) {
  std::vector<bool> used(headers.size(), false);
  std::string out;
  for (const std::string &name : signed_names) {
    for (size_t i = headers.size(); i-- > 0;) {
      if (used[i] || !SameName(headers[i].name, name)) continue;
      used[i] = true;
      out += RelaxedHeader(headers[i].name, headers[i].value);
      break;
    }
  }
  return out;
}

Status CheckWireForm(std::string_view message) {
  size_t line = 1, length = 0;
  const auto fail = [&line](const std::string &what) {
    return Status::InvalidArgument("line " + std::to_string(line) + " " + what);
  };
  for (size_t i = 0; i < message.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(message[i]);
    if (c == '\r') {
      if (i + 1 == message.size() || message[i + 1] != '\n') return fail("has a lone CR");
      ++i;
      ++line;
      length = 0;
      continue;
    }
    if (c == '\n') return fail("has a lone LF");
    if (c == 0 || c > 127) return fail("has a byte that is not 7-bit ASCII");
    if (++length > kMaxLineLength) return fail("is longer than 998 characters");
  }
  if (length > 0) return fail("does not end with CRLF");
  return Status::Ok();
}

}  // namespace callexa
