// Conversions between Unix seconds and the date forms Segment sends.
#ifndef CALLEXA_COMMON_TIME_FORMAT_H_
#define CALLEXA_COMMON_TIME_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callexa {

constexpr int64_t kSecondsPerDay = 86400;

// Parses ISO-8601 date-times ("2026-11-28T10:00:00.123Z", "+02:00"/"+0200"
// offsets, a space instead of "T", no zone meaning UTC) and then date-only
// forms ("2026-11-28"). Rejects out-of-range fields such as "2015-2-02".
std::optional<int64_t> ParseIso8601(std::string_view text);

// Unix time given in seconds or, when it is too large to be seconds
// (after the year 5138), in milliseconds. Saturates at +-1e13 seconds.
int64_t UnixSecondsFromNumber(double value);

// "2026-11-28T10:00:00Z".
std::string FormatIso8601(int64_t unix_seconds);

// Start of the calendar month (UTC) that contains unix_seconds.
int64_t StartOfMonthUtc(int64_t unix_seconds);

}  // namespace callexa

#endif  // CALLEXA_COMMON_TIME_FORMAT_H_
