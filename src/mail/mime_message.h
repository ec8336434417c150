// The frame every email of Callexa shares: headers, then a
// multipart/alternative body with a text/plain part first and a text/html
// part last, both UTF-8 and quoted-printable. Pure.
#ifndef CALLEXA_MAIL_MIME_MESSAGE_H_
#define CALLEXA_MAIL_MIME_MESSAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace callexa {

struct MailHeader {
  std::string name;   // "Subject"
  std::string value;  // already encoded where needed (EncodeHeaderWords)
};

// `headers` in order, then Content-Type (multipart/alternative with
// MimeBoundaryFor(message_id)), a blank line and the two parts; CRLF line
// endings. InvalidArgument when a header fails FormatHeader.
Result<std::string> BuildAlternativeMessage(const std::vector<MailHeader> &headers,
                                            std::string_view message_id,
                                            std::string_view text, std::string_view html);

// The multipart boundary of a message: "=_callexa_" and 32 hex digits from
// `message_id`. Quoted-printable output never contains "=_", so the
// boundary cannot occur in either part.
std::string MimeBoundaryFor(std::string_view message_id);

// True for a Message-ID's unique part: 1..64 of [A-Za-z0-9._-], no
// leading, trailing or double dot.
bool IsMessageIdUnique(std::string_view unique);

}  // namespace callexa

#endif  // CALLEXA_MAIL_MIME_MESSAGE_H_
