// Recipients added by hand or imported from a CSV file in the admin API
// (POST api/surveys/{id}/recipients). They become identify messages and go
// through the same store path and eligibility rules as Segment's.
//
// CSV arrives inside JSON ({"csv": "..."}), not as a text/csv body: the
// admin API's CSRF rule stays "JSON bodies only", which a cross-site form
// cannot send without a CORS preflight.
#ifndef CALLEXA_ADMIN_RECIPIENTS_H_
#define CALLEXA_ADMIN_RECIPIENTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/identify.h"

namespace callexa {

constexpr size_t kMaxRecipients = 10000;

constexpr size_t kMaxRejectionsShown = 100;

// One column of a CSV header and what it feeds: a recipient field
// ("email", "first_name", "last_name", "name", "created_at", "user_id"),
// "trait" (kept in the customer's traits under trait_key) or "ignore".
struct CsvColumn {
  std::string name;  // as the header spells it, trimmed
  std::string meaning;
  std::string trait_key;  // "Company Size" -> "company_size"
};

// What a CSV header name means when the owner does not say: the common
// spellings of each field ("First Name", "firstname", "Email Address",
// "E-mail", "Created At", "signup_date", ...), else "ignore".
std::string GuessColumnMeaning(std::string_view header);

struct RecipientList {
  std::vector<IdentifyMessage> identifies;   // the good rows
  std::vector<CsvColumn> header;             // CSV: every column, in order
  std::vector<std::string> columns;          // CSV fields we use
  std::vector<std::string> ignored_columns;  // CSV header names we do not use
  size_t rows = 0;                           // rows read, good or bad
  size_t rejected_count = 0;                 // bad rows
  // Why, for the first kMaxRejectionsShown bad rows, each naming its row
  // ("csv line 3: email is not a valid email address").
  std::vector<std::string> rejected;
};

// Reads {"recipients": [{"email": ..., "first_name", "last_name", "name",
// "created_at", "user_id"}]} or {"csv": "<header line>\n<rows>"} (RFC 4180:
// quoted fields, "" escapes, CRLF or LF), optionally with "mapping": one
// meaning (CsvColumn) per header column, as the owner chose it in the
// preview; without it each column's meaning is guessed from its name. The
// CSV needs an email column; the others above are optional, columns kept
// as traits go to the customer's traits, the rest are ignored. All or
// nothing: InvalidArgument naming the row ("recipients[2].email is not a
// valid email address", "csv line 3: ...") for any bad one, or for more
// than kMaxRecipients rows.
Result<RecipientList> ParseRecipients(const nlohmann::json &body);

// As ParseRecipients, but a bad row is counted and described in
// `rejected` instead of failing the whole list: the import preview, which
// shows the owner every row that would be refused before anything is
// stored. Errors only for a body that is no list at all (no email column,
// an unclosed quote, too many rows).
Result<RecipientList> ReadRecipients(const nlohmann::json &body);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_RECIPIENTS_H_
