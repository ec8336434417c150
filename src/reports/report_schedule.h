// Which period a survey's report email covers: the last full ISO week or
// calendar month (UTC) that ended at or before now. Pure.
#ifndef CALLEXA_REPORTS_REPORT_SCHEDULE_H_
#define CALLEXA_REPORTS_REPORT_SCHEDULE_H_

#include <cstdint>

#include "model/survey.h"
#include "store/report_store.h"

namespace callexa {

// Weekly: [Monday 00:00, next Monday 00:00) of the week before the one
// holding `now`; monthly: the calendar month before `now`'s. kOff: {0, 0}.
TimeSpan LastCompletedReportPeriod(ReportFrequency frequency, int64_t now);

// The trend inside a report of `frequency`: days of a week, weeks of a month.
TrendInterval ReportTrendInterval(ReportFrequency frequency);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_REPORT_SCHEDULE_H_
