// An NPS report of one survey: the period's figures, the tags, the trend
// and the comparison with the previous period of the same length, built
// from the store's counts (store/report_store.h) with the arithmetic of
// reports/nps.h.
#ifndef CALLEXA_REPORTS_REPORT_H_
#define CALLEXA_REPORTS_REPORT_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "reports/nps.h"
#include "store/report_store.h"

namespace callexa {

struct PeriodStats {
  TimeSpan span;
  NpsFigures nps;
  ScoreCounts distribution{};
  int64_t with_comment = 0;
  int64_t review_clicks = 0;  // PeriodCounts::review_clicks
  int64_t invitations_sent = 0, invitations_answered = 0;
  int64_t reminders_sent = 0, answered_after_reminder = 0;  // PeriodCounts' own
  // Answered / sent invitations of the period; none when none was sent.
  std::optional<double> response_rate;
  // Counted answers with a comment / counted answers; none without answers.
  std::optional<double> comment_rate;
};

struct TagStats {
  std::string name;
  int64_t count = 0;                    // answers that rated it
  std::optional<double> average;        // 1..5; none when count is 0
  std::array<int64_t, 5> ratings{};     // answers per rating 1..5
  std::map<int, double> nps_by_rating;  // NPS of the answers per rating, where any
};

struct TrendPoint {
  TimeSpan span;  // the bucket, cut to the period
  NpsFigures nps;
};

struct NpsReport {
  TrendInterval interval = TrendInterval::kWeek;
  PeriodStats current, previous;
  NpsChange change;  // current against previous
  std::vector<TagStats> tags;
  std::vector<TrendPoint> trend;  // every bucket, empty ones included
};

PeriodStats SummarisePeriod(const TimeSpan &span, const PeriodCounts &counts);

// The survey's tags in its order (those nobody rated with count 0), then
// tags found only in answers (since removed from the survey) by name.
std::vector<TagStats> SummariseTags(const std::vector<TagRatingCounts> &counts,
                                    const std::vector<std::string> &survey_tags);

// The spans of a report of `period`: the previous period of the same
// length, [from - (to - from), from), and the trend's buckets cut to it.
ReportSpans SpansOf(const TimeSpan &period, TrendInterval interval);

// The report of `filter`'s answers in `period` with its trend by
// `interval`, in one read of the store.
Result<NpsReport> RunNpsReport(ReportStore *store, const ReportFilter &filter,
                               const TimeSpan &period, TrendInterval interval,
                               const std::vector<std::string> &survey_tags);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_REPORT_H_
