#include "reports/report.h"

#include <algorithm>

#include "reports/trend.h"

namespace callexa {
namespace {

constexpr int kMinRating = 1;
constexpr int kMaxRating = 5;

}  // namespace

PeriodStats SummarisePeriod(const TimeSpan &span, const PeriodCounts &counts) {
  PeriodStats p;
  p.span = span;
  p.distribution = counts.scores;
  p.nps = ComputeNps(counts.scores);
  p.with_comment = counts.with_comment;
  p.review_clicks = counts.review_clicks;
  p.invitations_sent = counts.invitations_sent;
  p.invitations_answered = counts.invitations_answered;
  p.reminders_sent = counts.reminders_sent;
  p.answered_after_reminder = counts.answered_after_reminder;
  p.response_rate = Rate(counts.invitations_answered, counts.invitations_sent);
  p.comment_rate = Rate(counts.with_comment, p.nps.answers);
  return p;
}

std::vector<TagStats> SummariseTags(const std::vector<TagRatingCounts> &counts,
                                    const std::vector<std::string> &survey_tags) {
  struct Bands {
    int64_t detractors = 0, passives = 0, promoters = 0;
  };
  std::map<std::string, std::array<Bands, kMaxRating>> by_tag;
  for (const TagRatingCounts &c : counts) {
    if (c.rating < kMinRating || c.rating > kMaxRating) continue;
    Bands &b = by_tag[c.tag][c.rating - kMinRating];
    b.detractors += c.detractors;
    b.passives += c.passives;
    b.promoters += c.promoters;
  }
  std::vector<std::string> order = survey_tags;
  for (const auto &[name, bands] : by_tag) {
    if (std::find(survey_tags.begin(), survey_tags.end(), name) == survey_tags.end()) {
      order.push_back(name);
    }
  }
  std::vector<TagStats> out;
  for (const std::string &name : order) {
    TagStats t;
    t.name = name;
    const auto found = by_tag.find(name);
    int64_t sum = 0;
    for (int r = kMinRating; found != by_tag.end() && r <= kMaxRating; ++r) {
      const Bands &b = found->second[r - kMinRating];
      const NpsFigures f = ComputeNps(b.promoters, b.passives, b.detractors);
      t.ratings[r - kMinRating] = f.answers;
      t.count += f.answers;
      sum += r * f.answers;
      if (f.nps) t.nps_by_rating[r] = *f.nps;
    }
    if (t.count > 0) t.average = static_cast<double>(sum) / static_cast<double>(t.count);
    out.push_back(std::move(t));
  }
  return out;
}

ReportSpans SpansOf(const TimeSpan &period, TrendInterval interval) {
  ReportSpans spans;
  spans.period = period;
  spans.previous = {period.from - (period.to - period.from), period.from};
  for (const TrendSpan &bucket : TrendSpans(period.from, period.to, interval)) {
    spans.trend.push_back({bucket.from, bucket.to});
  }
  return spans;
}

Result<NpsReport> RunNpsReport(ReportStore *store, const ReportFilter &filter,
                               const TimeSpan &period, TrendInterval interval,
                               const std::vector<std::string> &survey_tags) {
  const ReportSpans spans = SpansOf(period, interval);
  auto counts = store->CountReport(filter, spans);
  if (!counts.ok()) return counts.status();
  if (counts->trend.size() != spans.trend.size()) {
    return Status::IOError("the report could not be read",
                           "report: the store counted the wrong number of trend spans");
  }
  NpsReport r;
  r.interval = interval;
  r.current = SummarisePeriod(spans.period, counts->period);
  r.previous = SummarisePeriod(spans.previous, counts->previous);
  r.change = CompareNps(r.current.nps, r.previous.nps);
  r.tags = SummariseTags(counts->tags, survey_tags);
  for (size_t i = 0; i < spans.trend.size(); ++i) {
    r.trend.push_back({spans.trend[i], ComputeNps(counts->trend[i])});
  }
  return r;
}

}  // namespace callexa
