// Reads one Segment Spec message and, for identify calls, the traits that
// Callexa uses. Pure functions: no I/O, no clock.
#ifndef CALLEXA_INGEST_IDENTIFY_MESSAGE_H_
#define CALLEXA_INGEST_IDENTIFY_MESSAGE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/identify.h"

namespace callexa {

struct SpecMessage {
  std::string type;                         // lowercased call type
  std::optional<IdentifyMessage> identify;  // set when type == "identify"
};

// Validates `message` as a Segment Spec message. `where` prefixes every
// error ("batch[3].") so a client can find the bad field. Field names are
// accepted in camelCase and snake_case.
Result<SpecMessage> ParseSpecMessage(const nlohmann::json &message,
                                     std::string_view where);

// The range of createdAt in every form: 1970-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z, the dates ISO-8601's four-digit years can name.
constexpr int64_t kEarliestCreatedAt = 0;
constexpr int64_t kLatestCreatedAt = 253402300799;

// Reads a createdAt value into *out (untouched for null or ""): a number
// of Unix seconds or milliseconds, an ISO-8601 date-time or date, or a
// string of digits. InvalidArgument naming `field` for anything else, and
// for a date outside [kEarliestCreatedAt, kLatestCreatedAt].
Status ParseCreatedAt(const nlohmann::json &value, const std::string &field,
                      std::optional<int64_t> *out);

}  // namespace callexa

#endif  // CALLEXA_INGEST_IDENTIFY_MESSAGE_H_
