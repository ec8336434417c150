#include "common/time_format.h"

#include <cmath>
#include <cstdio>

namespace callexa {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// civil-from-days algorithm, in reverse), so no time zone state is touched.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool DaysInMonthOk(int64_t y, unsigned m, unsigned d) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// Reads exactly n digits at *pos.
bool Digits(std::string_view s, size_t *pos, size_t n, unsigned *out) {
  if (*pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t *pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// Parses "Z", "+hh:mm", "+hhmm", "+hh" at *pos into an offset in seconds.
bool ZoneOffset(std::string_view s, size_t *pos, int64_t *offset) {
  *offset = 0;
  if (*pos == s.size()) return true;
  const char c = s[*pos];
  if (c == 'Z' || c == 'z') {
    ++*pos;
    return true;
  }
  if (c != '+' && c != '-') return false;
  ++*pos;
  unsigned hh = 0, mm = 0;
  if (!Digits(s, pos, 2, &hh)) return false;
  if (*pos < s.size()) {
    Expect(s, pos, ':');
    if (!Digits(s, pos, 2, &mm)) return false;
  }
  if (hh > 23 || mm > 59) return false;
  *offset = (c == '-' ? -1 : 1) * static_cast<int64_t>(hh * 3600 + mm * 60);
  return true;
}

}  // namespace

std::optional<int64_t> ParseIso8601(std::string_view s) {
  size_t pos = 0;
  unsigned year = 0, month = 0, day = 0;
  if (!Digits(s, &pos, 4, &year) || !Expect(s, &pos, '-') ||
      !Digits(s, &pos, 2, &month) || !Expect(s, &pos, '-') || !Digits(s, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (!DaysInMonthOk(year, month, day)) return std::nullopt;
  int64_t t = DaysFromCivil(year, month, day) * kSecondsPerDay;
  if (pos == s.size()) return t;

  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  unsigned hh = 0, mi = 0, ss = 0;
  if (!Digits(s, &pos, 2, &hh) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &mi)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, &pos, 2, &ss)) return std::nullopt;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      const size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return std::nullopt;
    }
  }
  if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
  int64_t offset = 0;
  if (!ZoneOffset(s, &pos, &offset) || pos != s.size()) return std::nullopt;
  t += hh * 3600 + mi * 60 + (ss == 60 ? 59 : ss);
  return t - offset;
}

int64_t UnixSecondsFromNumber(double value) {
  // 1e11 seconds is the year 5138; any larger Unix time is in milliseconds.
  if (std::fabs(value) >= 1e11) value /= 1000.0;
  // Converting a double outside int64's range is undefined behaviour, and a
  // JSON number may be as large as 1e308: saturate far from overflow.
  constexpr double kLimit = 1e13;  // about the year 318,000
  if (!(value < kLimit)) return static_cast<int64_t>(kLimit);
  if (!(value > -kLimit)) return -static_cast<int64_t>(kLimit);
  return static_cast<int64_t>(std::floor(value));
}

std::string FormatIso8601(int64_t t) {
  int64_t days = t / kSecondsPerDay;
  int64_t rem = t % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

int64_t StartOfMonthUtc(int64_t t) {
  int64_t days = t / kSecondsPerDay;
  if (t % kSecondsPerDay < 0) --days;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return DaysFromCivil(y, m, 1) * kSecondsPerDay;
}

}  // namespace callexa
