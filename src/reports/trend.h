// The buckets of a trend: which day, ISO week or calendar month (UTC) a
// time falls in, and the buckets that cover a period. A store groups
// answers by the same starts (store/report_store.h).
#ifndef CALLEXA_REPORTS_TREND_H_
#define CALLEXA_REPORTS_TREND_H_

#include <cstdint>
#include <vector>

#include "store/report_store.h"

namespace callexa {

// The start of the bucket holding Unix time `t`: its day's 00:00, the
// Monday 00:00 of its week, or the 1st 00:00 of its month, in UTC.
int64_t BucketStart(int64_t t, TrendInterval interval);
// The start of the bucket after the one starting at `start`.
int64_t NextBucketStart(int64_t start, TrendInterval interval);

struct TrendSpan {
  int64_t start = 0;  // the bucket's own start (BucketStart), its key
  int64_t from = 0;   // the part inside the period: max(start, period from)
  int64_t to = 0;     // min(next start, period to), exclusive
};

// The buckets that cover [from, to), in order; the first and last are cut
// to the period. Empty when from >= to.
std::vector<TrendSpan> TrendSpans(int64_t from, int64_t to, TrendInterval interval);
// How many TrendSpans(from, to, interval) gives, without building them
// (arithmetic for days and weeks; a step per month for months).
int64_t CountTrendSpans(int64_t from, int64_t to, TrendInterval interval);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_TREND_H_
