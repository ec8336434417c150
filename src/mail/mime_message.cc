#include "mail/mime_message.h"

#include "mail/mime_encoding.h"

namespace callexa {
namespace {

// FNV-1a, 64 bits: enough to make boundaries look random; their safety
// rests on the "=_" prefix, not on the hash.
uint64_t Fnv1a(std::string_view data, uint64_t seed) {
  uint64_t h = seed;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

void AppendHex64(uint64_t v, std::string *out) {
  static const char kHexDigits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4)
    out->push_back(kHexDigits[(v >> shift) & 15]);
}

void AddPart(std::string_view boundary, std::string_view content_type,
             std::string_view body, std::string *out) {
  *out += "--";
  *out += boundary;
  *out += "\r\nContent-Type: ";
  *out += content_type;
  *out += "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  *out += QuotedPrintableEncode(body);
  if (out->size() < 2 || out->compare(out->size() - 2, 2, "\r\n") != 0) *out += "\r\n";
}

}  // namespace

std::string MimeBoundaryFor(std::string_view message_id) {
  std::string out = "=_callexa_";
  AppendHex64(Fnv1a(message_id, 0xcbf29ce484222325ULL), &out);
  AppendHex64(Fnv1a(message_id, 0x84222325cbf29ce4ULL), &out);
  return out;
}

bool IsMessageIdUnique(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.' || s.back() == '.') return false;
  if (s.find("..") != std::string_view::npos) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> BuildAlternativeMessage(const std::vector<MailHeader> &headers,
                                            std::string_view message_id,
                                            std::string_view text,
                                            std::string_view html) {
  const std::string boundary = MimeBoundaryFor(message_id);
  std::string out;
  out.reserve(text.size() + html.size() * 11 / 10 + 4096);
  for (const MailHeader &h : headers) {
    Result<std::string> line = FormatHeader(h.name, h.value);
    if (!line.ok()) return line.status();
    out += *line;
  }
  Result<std::string> type = FormatHeader(
      "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  if (!type.ok()) return type.status();
  out += *type;
  out += "\r\n";
  AddPart(boundary, "text/plain", text, &out);
  AddPart(boundary, "text/html", html, &out);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace callexa
