#include "reports/trend.h"

#include <algorithm>

#include "common/time_format.h"

namespace callexa {
namespace {

constexpr int64_t kDaysPerWeek = 7;
// 1970-01-01 was a Thursday: 3 days after a Monday.
constexpr int64_t kEpochWeekday = 3;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

}  // namespace

int64_t BucketStart(int64_t t, TrendInterval interval) {
  const int64_t day = FloorDiv(t, kSecondsPerDay);
  switch (interval) {
    case TrendInterval::kDay:
      return day * kSecondsPerDay;
    case TrendInterval::kWeek: {
      const int64_t monday =
          day - (((day + kEpochWeekday) % kDaysPerWeek) + kDaysPerWeek) % kDaysPerWeek;
      return monday * kSecondsPerDay;
    }
    case TrendInterval::kMonth:
      break;
  }
  return StartOfMonthUtc(t);
}

int64_t NextBucketStart(int64_t start, TrendInterval interval) {
  switch (interval) {
    case TrendInterval::kDay:
      return start + kSecondsPerDay;
    case TrendInterval::kWeek:
      return start + kDaysPerWeek * kSecondsPerDay;
    case TrendInterval::kMonth:
      break;
  }
  // Every month is shorter than 32 days: this lands in the next one.
  return StartOfMonthUtc(StartOfMonthUtc(start) + 32 * kSecondsPerDay);
}

std::vector<TrendSpan> TrendSpans(int64_t from, int64_t to, TrendInterval interval) {
  std::vector<TrendSpan> spans;
  if (from >= to) return spans;
  for (int64_t start = BucketStart(from, interval); start < to;) {
    const int64_t next = NextBucketStart(start, interval);
    spans.push_back({start, std::max(start, from), std::min(next, to)});
    start = next;
  }
  return spans;
}

int64_t CountTrendSpans(int64_t from, int64_t to, TrendInterval interval) {
  if (from >= to) return 0;
  const int64_t first = BucketStart(from, interval);
  const int64_t last = BucketStart(to - 1, interval);
  switch (interval) {
    case TrendInterval::kDay:
      return (last - first) / kSecondsPerDay + 1;
    case TrendInterval::kWeek:
      return (last - first) / (kDaysPerWeek * kSecondsPerDay) + 1;
    case TrendInterval::kMonth:
      break;
  }
  int64_t months = 1;
  for (int64_t m = first; m < last; m = NextBucketStart(m, interval)) ++months;
  return months;
}

}  // namespace callexa
