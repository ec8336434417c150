#include "common/time_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace callexa {
namespace {

// 2026-11-28T10:00:00Z, the reference instant of most cases below.
constexpr int64_t kNov28At10 = 1795860000;
constexpr int64_t kNov28Midnight = 1795824000;

TEST(TimeFormatTest, ParsesIso8601Forms) {
  const struct {
    const char *text;
    int64_t want;
  } cases[] = {
      {"2026-11-28T10:00:00Z", kNov28At10},
      {"2026-11-28t10:00:00z", kNov28At10},
      {"2026-11-28T12:00:00+02:00", kNov28At10},
      {"2026-11-28T12:00:00+0200", kNov28At10},
      {"2026-11-28T12:00:00+02", kNov28At10},
      {"2026-11-28T05:30:00-04:30", kNov28At10},
      {"2026-11-28T10:00:00.123Z", kNov28At10},  // fractions are dropped
      {"2026-11-28T10:00:00,999999+00:00", kNov28At10},
      {"2026-11-28 10:00:00Z", kNov28At10},  // space instead of "T"
      {"2026-11-28T10:00:00", kNov28At10},   // no zone means UTC
      {"2026-11-28T10:00Z", kNov28At10},     // seconds are optional
      {"2026-11-28", kNov28Midnight},        // date only: midnight UTC
      {"2015-02-02T00:30:08.276Z", 1422837008},
      {"2024-02-29", 1709164800},  // leap day
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1},
      {"2026-12-31T23:59:60Z", 1798761599},  // a leap second folds into :59
      {"2026-11-28T00:30:00+01:00", kNov28Midnight - 1800},  // crosses midnight
  };
  for (const auto &c : cases) {
    const std::optional<int64_t> got = ParseIso8601(c.text);
    ASSERT_TRUE(got.has_value()) << c.text;
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(TimeFormatTest, RejectsMalformedOrOutOfRange) {
  const char *const cases[] = {
      "",
      "garbage",
      "2015-2-02T00:30:08.276Z",  // one-digit month
      "2026-02-30",               // no such day
      "2025-02-29",               // not a leap year
      "1900-02-29",               // century, not a leap year
      "2026-13-01",
      "2026-00-10",
      "2026-11-00",
      "2026-11-28T24:00:00Z",
      "2026-11-28T10:60:00Z",
      "2026-11-28T10:00:61Z",
      "2026-11-28T10:00:00+24:00",
      "2026-11-28T10:00:00+02:60",
      "2026-11-28T10:00:00Zjunk",  // trailing junk
      "2026-11-28junk",
      "2026-11-28T10:00:00 ",
      "2026-11-28T",
      "2026-11-28T10",
      "2026-11-28T10:00:00.",  // a fraction needs digits
      "2026-11-28T10:00:00+",
      "2026-11-28T10:00:00+02:",
      "2026-11-28Z",  // a zone needs a time
      "26-11-28",
      "1795860000",
  };
  for (const char *text : cases) {
    EXPECT_FALSE(ParseIso8601(text).has_value()) << text;
  }
}

TEST(TimeFormatTest, FormatsAndRoundTrips) {
  const struct {
    int64_t t;
    const char *want;
  } cases[] = {
      {0, "1970-01-01T00:00:00Z"},          {-1, "1969-12-31T23:59:59Z"},
      {kNov28At10, "2026-11-28T10:00:00Z"}, {1709164800, "2024-02-29T00:00:00Z"},
      {1798761599, "2026-12-31T23:59:59Z"}, {253402300799, "9999-12-31T23:59:59Z"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(FormatIso8601(c.t), c.want) << c.t;
    EXPECT_EQ(ParseIso8601(FormatIso8601(c.t)), c.t) << c.t;
  }
  // Every hour-and-a-bit across several years survives the round trip.
  for (int64_t t = -86400 * 400; t < int64_t{86400} * 365 * 60; t += 3600 * 7 + 13) {
    ASSERT_EQ(ParseIso8601(FormatIso8601(t)), t) << t << " " << FormatIso8601(t);
  }
}

TEST(TimeFormatTest, UnixSecondsFromNumberTellsSecondsFromMilliseconds) {
  const struct {
    double value;
    int64_t want;
  } cases[] = {
      {0, 0},
      {1795860000, 1795860000},         // seconds
      {1795860000.9, 1795860000},       // fractions floor
      {1795860000123.0, 1795860000},    // milliseconds
      {1795860000999.0, 1795860000},    // milliseconds floor, too
      {99999999999.0, 99999999999},     // just below 1e11: still seconds
      {1e11, 100000000},                // from 1e11 on: milliseconds
      {-1795860000123.0, -1795860001},  // negative milliseconds floor down
      {-1.5, -2},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(UnixSecondsFromNumber(c.value), c.want) << c.value;
  }
}

TEST(TimeFormatTest, UnixSecondsFromNumberStaysInRangeForHugeValues) {
  // A JSON number such as 1e300 must not overflow the int64 conversion
  // (undefined behaviour) nor leave room for overflow in later date
  // arithmetic.
  const double cases[] = {1e22, 1e300, std::numeric_limits<double>::infinity()};
  for (double v : cases) {
    const int64_t pos = UnixSecondsFromNumber(v);
    const int64_t neg = UnixSecondsFromNumber(-v);
    EXPECT_GT(pos, int64_t{1} << 40) << v;
    EXPECT_LT(pos, int64_t{1} << 60) << v;
    EXPECT_LT(neg, -(int64_t{1} << 40)) << -v;
    EXPECT_GT(neg, -(int64_t{1} << 60)) << -v;
  }
}

TEST(TimeFormatTest, StartOfMonthUtc) {
  const struct {
    int64_t t;
    int64_t want;
  } cases[] = {
      {kNov28At10, 1793491200},  // 2026-11-01
      {1793491200, 1793491200},  // the first instant of the month itself
      {1793491199, 1790812800},  // 2026-10-31T23:59:59 -> 2026-10-01
      {1798761599, 1796083200},  // 2026-12-31T23:59:59 -> 2026-12-01
      {1798761600, 1798761600},  // 2027-01-01
      {1709164800, 1706745600},  // 2024-02-29 -> 2024-02-01
      {0, 0},
      {-1, -2678400},  // 1969-12-31T23:59:59 -> 1969-12-01
  };
  for (const auto &c : cases) {
    EXPECT_EQ(StartOfMonthUtc(c.t), c.want) << FormatIso8601(c.t);
  }
}

}  // namespace
}  // namespace callexa
