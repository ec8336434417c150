#include "reports/report_schedule.h"

#include "reports/trend.h"

namespace callexa {

TimeSpan LastCompletedReportPeriod(ReportFrequency frequency, int64_t now) {
  switch (frequency) {
    case ReportFrequency::kWeekly: {
      const int64_t to = BucketStart(now, TrendInterval::kWeek);
      return {to - 7 * 86400, to};
    }
    case ReportFrequency::kMonthly: {
      const int64_t to = BucketStart(now, TrendInterval::kMonth);
      return {BucketStart(to - 1, TrendInterval::kMonth), to};
    }
    case ReportFrequency::kOff:
      break;
  }
  return {0, 0};
}

TrendInterval ReportTrendInterval(ReportFrequency frequency) {
  return frequency == ReportFrequency::kMonthly ? TrendInterval::kWeek
                                                : TrendInterval::kDay;
}

}  // namespace callexa
