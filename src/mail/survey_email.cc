#include "mail/survey_email.h"

#include "common/web_url.h"
#include "mail/html_escape.h"
#include "mail/mime_encoding.h"
#include "mail/survey_body.h"

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

// Appends one header, or remembers the first failure in *status.
void AddHeader(std::string_view name, std::string_view value, std::string *out,
               Status *status) {
  if (!status->ok()) return;
  Result<std::string> line = FormatHeader(name, value);
  if (!line.ok()) {
    *status = line.status();
    return;
  }
  *out += *line;
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

Result<std::string> RenderSurveyEmail(const SurveyEmailContent &raw_content,
                                      const SurveyEmailInput &input) {
  Result<SurveyEmailContent> resolved = ResolveSurveyEmailContent(raw_content);
  if (!resolved.ok()) return resolved.status();
  const SurveyEmailContent &content = *resolved;
  Status status = CheckSurveyLinks(input.links);
  if (!status.ok()) return status;
  if (!IsMessageIdUnique(input.message_id_unique) ||
      !IsValidDomain(input.message_id_domain)) {
    return Status::InvalidArgument("invalid Message-ID parts");
  }
  Result<std::string> from =
      FormatMailbox(content.sender_name, content.sender_address, sizeof("From: ") - 1);
  if (!from.ok()) return from.status();
  Result<std::string> to =
      FormatMailbox(input.recipient.name, input.recipient.email, sizeof("To: ") - 1);
  if (!to.ok()) return to.status();

  const std::string message_id =
      "<" + input.message_id_unique + "@" + input.message_id_domain + ">";
  const std::string boundary = MimeBoundaryFor(message_id);
  std::string out;
  out.reserve(24000);
  AddHeader("Date", FormatRfc5322Date(input.date_unix_seconds), &out, &status);
  AddHeader("From", *from, &out, &status);
  AddHeader("To", *to, &out, &status);
  AddHeader("Subject", EncodeHeaderWords(content.subject, sizeof("Subject: ") - 1), &out,
            &status);
  AddHeader("Message-ID", message_id, &out, &status);
  AddHeader("MIME-Version", "1.0", &out, &status);
  if (input.is_test) AddHeader("X-Callexa-Test", "yes", &out, &status);
  AddHeader("List-Unsubscribe", "<" + input.links.one_click_unsubscribe_url + ">", &out,
            &status);
  if (IsHttpsUrl(input.links.one_click_unsubscribe_url)) {
    AddHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click", &out, &status);
  }
  AddHeader("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"", &out,
            &status);
  if (!status.ok()) return status;
  out += "\r\n";

  const std::string greeting = PersonalGreeting(content, input.recipient.first_name);
  AddPart(boundary, "text/plain", RenderSurveyTextBody(content, greeting, input.links),
          &out);
  AddPart(boundary, "text/html", RenderSurveyHtmlBody(content, greeting, input.links),
          &out);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace callexa
