// DKIM's "relaxed" canonicalization (RFC 6376 3.4.2 and 3.4.4) and the
// selection of the signed header fields (5.4.2): the bytes a DKIM signature
// is computed over. Pure; the signing itself is dkim_signer.h's.
//
// Messages are taken as they go on the wire: CRLF line endings, 7-bit
// (CheckWireForm says whether a message is).
#ifndef CALLEXA_MAIL_DKIM_CANON_H_
#define CALLEXA_MAIL_DKIM_CANON_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace callexa {

// One header field of a message: the name before the colon as written, and
// everything after the colon up to (without) the CRLF that ends the field,
// folds included.
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

struct SplitMessageResult {
  std::vector<HeaderField> headers;  // in message order
  std::string_view body;             // after the empty line; may be empty
};

// The header fields and the body of a CRLF message. A message without an
// empty line is all header; InvalidArgument for a line of the header that
// is neither a field ("Name:") nor a fold (starting with space or tab).
// The views point into `message`.
Result<SplitMessageResult> SplitMessage(std::string_view message);

// "name:value" CRLF, relaxed (3.4.2): the name in lower case, folds
// unfolded, runs of space and tab made one space, white space at the end of
// the value and around the colon removed.
std::string RelaxedHeader(std::string_view name, std::string_view value);

// The relaxed body (3.4.4): white space at the end of each line removed,
// runs of space and tab made one space, empty lines at the end removed, a
// CRLF added to a last line without one. An empty body, or one of empty
// lines only, canonicalizes to the empty string (RFC 6376 erratum 1384;
// dkimpy agrees).
std::string RelaxedBody(std::string_view body);

// The header data of a signature (5.4.2): for each name of `signed_names`
// in order, the next instance of that field not yet used, counting from the
// bottom of the header, relaxed; a name with no instance left contributes
// nothing, which is what makes listing a name once more than it occurs
// (oversigning) break the signature when a field of that name is added.
// Names match case-insensitively.
std::string RelaxedSignedHeaders(const std::vector<HeaderField> &headers,
                                 const std::vector<std::string> &signed_names);

// OK when `message` is fit to sign and send as it is: 7-bit (no byte above
// 127, no NUL), every line ended by CRLF (no lone CR or LF), no line longer
// than 998 characters (RFC 5322 2.1.1). InvalidArgument naming the first
// offending line otherwise.
Status CheckWireForm(std::string_view message);

}  // namespace callexa

#endif  // CALLEXA_MAIL_DKIM_CANON_H_
