#include "reports/report_schedule.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace callexa {
namespace {

int64_t T(const char *iso) { return ParseIso8601(iso).value(); }

TEST(ReportScheduleTest, WeeklyIsTheLastFullIsoWeek) {
  // Thursday 3 Dec 2026: the week of Monday 23 Nov ended on Monday 30 Nov.
  const TimeSpan s =
      LastCompletedReportPeriod(ReportFrequency::kWeekly, T("2026-12-03T06:50:00Z"));
  EXPECT_EQ(s.from, T("2026-11-23T00:00:00Z"));
  EXPECT_EQ(s.to, T("2026-11-30T00:00:00Z"));
}

TEST(ReportScheduleTest, AWeekEndsAtMondayMidnightUtc) {
  EXPECT_EQ(
      LastCompletedReportPeriod(ReportFrequency::kWeekly, T("2026-11-30T00:00:00Z")).from,
      T("2026-11-23T00:00:00Z"));
  EXPECT_EQ(
      LastCompletedReportPeriod(ReportFrequency::kWeekly, T("2026-11-29T23:59:59Z")).from,
      T("2026-11-16T00:00:00Z"));
}

TEST(ReportScheduleTest, WeeksCrossTheYear) {
  const TimeSpan s =
      LastCompletedReportPeriod(ReportFrequency::kWeekly, T("2027-01-06T12:00:00Z"));
  EXPECT_EQ(s.from, T("2026-12-28T00:00:00Z"));
  EXPECT_EQ(s.to, T("2027-01-04T00:00:00Z"));
}

TEST(ReportScheduleTest, MonthlyIsTheLastCalendarMonth) {
  TimeSpan s =
      LastCompletedReportPeriod(ReportFrequency::kMonthly, T("2026-12-03T06:50:00Z"));
  EXPECT_EQ(s.from, T("2026-11-01T00:00:00Z"));
  EXPECT_EQ(s.to, T("2026-12-01T00:00:00Z"));
  s = LastCompletedReportPeriod(ReportFrequency::kMonthly, T("2027-01-01T00:00:00Z"));
  EXPECT_EQ(s.from, T("2026-12-01T00:00:00Z"));
  EXPECT_EQ(s.to, T("2027-01-01T00:00:00Z"));
  s = LastCompletedReportPeriod(ReportFrequency::kMonthly, T("2028-03-15T00:00:00Z"));
  EXPECT_EQ(s.from, T("2028-02-01T00:00:00Z"));  // a leap February: 29 days
  EXPECT_EQ(s.to - s.from, 29 * 86400);
}

TEST(ReportScheduleTest, OffHasNoPeriod) {
  const TimeSpan s = LastCompletedReportPeriod(ReportFrequency::kOff, T("2026-12-03"));
  EXPECT_EQ(s.from, 0);
  EXPECT_EQ(s.to, 0);
}

TEST(ReportScheduleTest, TrendOfAReport) {
  EXPECT_EQ(ReportTrendInterval(ReportFrequency::kWeekly), TrendInterval::kDay);
  EXPECT_EQ(ReportTrendInterval(ReportFrequency::kMonthly), TrendInterval::kWeek);
}

TEST(ReportScheduleTest, FrequencyNames) {
  for (ReportFrequency f :
       {ReportFrequency::kOff, ReportFrequency::kWeekly, ReportFrequency::kMonthly}) {
    EXPECT_EQ(ParseReportFrequency(ReportFrequencyName(f)), f);
  }
  EXPECT_FALSE(ParseReportFrequency("daily").has_value());
  EXPECT_FALSE(ParseReportFrequency("Weekly").has_value());
}

}  // namespace
}  // namespace callexa
