#include "reports/trend.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time_format.h"

namespace callexa {
namespace {

int64_t T(const std::string &iso) { return ParseIso8601(iso).value(); }

TEST(TrendTest, DaysStartAtMidnightUtc) {
  EXPECT_EQ(BucketStart(T("2026-11-28T10:00:00Z"), TrendInterval::kDay), T("2026-11-28"));
  EXPECT_EQ(BucketStart(T("2026-11-28T23:59:59Z"), TrendInterval::kDay), T("2026-11-28"));
  EXPECT_EQ(BucketStart(T("2026-11-29T00:00:00Z"), TrendInterval::kDay), T("2026-11-29"));
  EXPECT_EQ(NextBucketStart(T("2026-11-28"), TrendInterval::kDay), T("2026-11-29"));
}

TEST(TrendTest, WeeksStartOnMonday) {
  // 2026-11-28 is a Saturday of the week from Monday 2026-11-23.
  EXPECT_EQ(BucketStart(T("2026-11-28T10:00:00Z"), TrendInterval::kWeek),
            T("2026-11-23"));
  // Sunday's last second is still that week; Monday 00:00 starts the next.
  EXPECT_EQ(BucketStart(T("2026-11-29T23:59:59Z"), TrendInterval::kWeek),
            T("2026-11-23"));
  EXPECT_EQ(BucketStart(T("2026-11-30T00:00:00Z"), TrendInterval::kWeek),
            T("2026-11-30"));
  // ISO week 53 of 2026 runs over New Year to Sunday 2027-01-03.
  EXPECT_EQ(BucketStart(T("2027-01-01T12:00:00Z"), TrendInterval::kWeek),
            T("2026-12-28"));
  EXPECT_EQ(BucketStart(T("2027-01-04T00:00:00Z"), TrendInterval::kWeek),
            T("2027-01-04"));
  // 1970-01-01 was a Thursday: its week began on Monday 1969-12-29.
  EXPECT_EQ(BucketStart(0, TrendInterval::kWeek), -3 * kSecondsPerDay);
  EXPECT_EQ(NextBucketStart(T("2026-12-28"), TrendInterval::kWeek), T("2027-01-04"));
}

TEST(TrendTest, MonthsAreCalendarMonths) {
  EXPECT_EQ(BucketStart(T("2026-01-31T23:59:59Z"), TrendInterval::kMonth),
            T("2026-01-01"));
  EXPECT_EQ(BucketStart(T("2026-02-01T00:00:00Z"), TrendInterval::kMonth),
            T("2026-02-01"));
  EXPECT_EQ(BucketStart(T("2028-02-29T12:00:00Z"), TrendInterval::kMonth),
            T("2028-02-01"));
  EXPECT_EQ(NextBucketStart(T("2028-02-01"), TrendInterval::kMonth), T("2028-03-01"));
  EXPECT_EQ(NextBucketStart(T("2026-01-01"), TrendInterval::kMonth), T("2026-02-01"));
  EXPECT_EQ(NextBucketStart(T("2026-12-01"), TrendInterval::kMonth), T("2027-01-01"));
}

TEST(TrendTest, SpansCoverThePeriodCutAtItsEnds) {
  const auto spans =
      TrendSpans(T("2026-01-15"), T("2026-03-10T06:00:00Z"), TrendInterval::kMonth);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].start, T("2026-01-01"));
  EXPECT_EQ(spans[0].from, T("2026-01-15"));
  EXPECT_EQ(spans[0].to, T("2026-02-01"));
  EXPECT_EQ(spans[1].start, T("2026-02-01"));
  EXPECT_EQ(spans[1].from, T("2026-02-01"));
  EXPECT_EQ(spans[1].to, T("2026-03-01"));
  EXPECT_EQ(spans[2].from, T("2026-03-01"));
  EXPECT_EQ(spans[2].to, T("2026-03-10T06:00:00Z"));
}

TEST(TrendTest, APeriodEndingAtABucketStartHasNoEmptyLastBucket) {
  const auto spans = TrendSpans(T("2026-11-23"), T("2026-12-07"), TrendInterval::kWeek);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].from, T("2026-11-30"));
  EXPECT_EQ(spans[1].to, T("2026-12-07"));
  EXPECT_TRUE(TrendSpans(5, 5, TrendInterval::kDay).empty());
}

TEST(TrendTest, CountMatchesTheSpans) {
  const int64_t periods[][2] = {
      {T("2026-01-15"), T("2026-03-10")},
      {T("2026-11-23"), T("2026-12-07")},
      {T("2025-12-31T23:00:00Z"), T("2027-01-01T01:00:00Z")},
      {T("2026-02-01"), T("2026-02-01T00:00:01Z")},
  };
  for (const auto &p : periods) {
    for (TrendInterval i :
         {TrendInterval::kDay, TrendInterval::kWeek, TrendInterval::kMonth}) {
      EXPECT_EQ(CountTrendSpans(p[0], p[1], i),
                static_cast<int64_t>(TrendSpans(p[0], p[1], i).size()))
          << FormatIso8601(p[0]) << " " << TrendIntervalName(i);
    }
  }
  EXPECT_EQ(CountTrendSpans(10, 10, TrendInterval::kMonth), 0);
}

}  // namespace
}  // namespace callexa
