#include "reports/report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time_format.h"

namespace callexa {
namespace {

int64_t T(const std::string &iso) { return ParseIso8601(iso).value(); }

// Answers the counts it is given and remembers what it was asked.
class FakeReportStore : public ReportStore {
 public:
  Result<ReportCounts> CountReport(const ReportFilter &filter,
                                   const ReportSpans &spans) override {
    asked_filter = filter;
    asked_spans = spans;
    if (!fail.ok()) return fail;
    ReportCounts c = counts;
    if (c.trend.empty()) c.trend.resize(spans.trend.size());
    return c;
  }
  Result<std::vector<ExportRow>> ExportAnswers(const ReportFilter &, const TimeSpan &,
                                               const ExportCursor &, int) override {
    return std::vector<ExportRow>{};
  }
  Result<std::vector<ExportRow>> LatestComments(const ReportFilter &, const TimeSpan &,
                                                int) override {
    return std::vector<ExportRow>{};
  }

  ReportCounts counts;
  Status fail;
  ReportFilter asked_filter;
  ReportSpans asked_spans;
};

TEST(ReportTest, SpansOfAPeriod) {
  const ReportSpans s = SpansOf({T("2026-11-01"), T("2026-12-01")}, TrendInterval::kWeek);
  EXPECT_EQ(s.period.from, T("2026-11-01"));
  EXPECT_EQ(s.previous.from, T("2026-10-02"));  // 30 days before
  EXPECT_EQ(s.previous.to, T("2026-11-01"));
  // Sunday 1 Nov, then the weeks from Mondays 2, 9, 16, 23, 30 November.
  ASSERT_EQ(s.trend.size(), 6u);
  EXPECT_EQ(s.trend[0].from, T("2026-11-01"));
  EXPECT_EQ(s.trend[0].to, T("2026-11-02"));
  EXPECT_EQ(s.trend[5].from, T("2026-11-30"));
  EXPECT_EQ(s.trend[5].to, T("2026-12-01"));
}

TEST(ReportTest, PeriodRates) {
  PeriodCounts c;
  c.scores[10] = 3;
  c.scores[2] = 1;
  c.with_comment = 1;
  c.invitations_sent = 8;
  c.invitations_answered = 4;
  const PeriodStats p = SummarisePeriod({0, 10}, c);
  EXPECT_EQ(p.nps.answers, 4);
  EXPECT_DOUBLE_EQ(*p.nps.nps, 50);
  EXPECT_DOUBLE_EQ(*p.response_rate, 0.5);
  EXPECT_DOUBLE_EQ(*p.comment_rate, 0.25);

  const PeriodStats empty = SummarisePeriod({0, 10}, PeriodCounts{});
  EXPECT_FALSE(empty.response_rate.has_value());
  EXPECT_FALSE(empty.comment_rate.has_value());
  EXPECT_FALSE(empty.nps.nps.has_value());
}

TEST(ReportTest, TagsInTheSurveysOrderThenRemovedOnes) {
  const std::vector<TagRatingCounts> counts = {
      {"Old", 3, 1, 0, 0},
      {"Price", 1, 2, 0, 0},  // two detractors rated Price 1
      {"Price", 5, 0, 1, 1},  // a passive and a promoter rated it 5
      {"Support", 4, 0, 0, 3},
  };
  const auto tags = SummariseTags(counts, {"Support", "Price", "Speed"});
  ASSERT_EQ(tags.size(), 4u);
  EXPECT_EQ(tags[0].name, "Support");
  EXPECT_EQ(tags[0].count, 3);
  EXPECT_DOUBLE_EQ(*tags[0].average, 4);
  EXPECT_EQ(tags[0].nps_by_rating.size(), 1u);
  EXPECT_DOUBLE_EQ(tags[0].nps_by_rating.at(4), 100);

  EXPECT_EQ(tags[1].name, "Price");
  EXPECT_EQ(tags[1].count, 4);
  EXPECT_DOUBLE_EQ(*tags[1].average, (1 * 2 + 5 * 2) / 4.0);
  EXPECT_EQ(tags[1].ratings, (std::array<int64_t, 5>{2, 0, 0, 0, 2}));
  EXPECT_DOUBLE_EQ(tags[1].nps_by_rating.at(1), -100);
  EXPECT_DOUBLE_EQ(tags[1].nps_by_rating.at(5), 50);
  EXPECT_EQ(tags[1].nps_by_rating.count(3), 0u);  // nobody rated it 3

  EXPECT_EQ(tags[2].name, "Speed");  // in the survey, not rated
  EXPECT_EQ(tags[2].count, 0);
  EXPECT_FALSE(tags[2].average.has_value());
  EXPECT_TRUE(tags[2].nps_by_rating.empty());

  EXPECT_EQ(tags[3].name, "Old");  // rated, since removed from the survey
  EXPECT_DOUBLE_EQ(*tags[3].average, 3);
}

TEST(ReportTest, RunReadsOnceAndBuildsEveryPart) {
  FakeReportStore store;
  store.counts.period.scores[9] = 6;
  store.counts.period.scores[3] = 2;
  store.counts.previous.scores[3] = 4;
  store.counts.tags = {{"Support", 5, 0, 0, 6}};
  store.counts.trend.resize(3);
  store.counts.trend[1][9] = 6;
  ReportFilter filter;
  filter.survey_id = 7;
  filter.band = ScoreBand::kPromoter;
  auto r = RunNpsReport(&store, filter, {T("2026-01-15"), T("2026-03-10")},
                        TrendInterval::kMonth, {"Support"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(store.asked_filter.survey_id, 7);
  EXPECT_EQ(store.asked_filter.band, ScoreBand::kPromoter);
  EXPECT_EQ(store.asked_spans.trend.size(), 3u);
  EXPECT_DOUBLE_EQ(*r->current.nps.nps, 50);  // 6 of 8 minus 2 of 8
  EXPECT_DOUBLE_EQ(*r->previous.nps.nps, -100);
  EXPECT_DOUBLE_EQ(*r->change.change, 150);
  ASSERT_EQ(r->trend.size(), 3u);
  EXPECT_EQ(r->trend[0].nps.answers, 0);
  EXPECT_FALSE(r->trend[0].nps.nps.has_value());
  EXPECT_EQ(r->trend[1].span.from, T("2026-02-01"));
  EXPECT_DOUBLE_EQ(*r->trend[1].nps.nps, 100);
  ASSERT_EQ(r->tags.size(), 1u);
  EXPECT_DOUBLE_EQ(*r->tags[0].average, 5);
}

TEST(ReportTest, RunPassesStoreErrorsOnAndChecksTheTrend) {
  FakeReportStore store;
  store.fail = Status::Unavailable("the database is busy, try again");
  auto r = RunNpsReport(&store, {}, {0, 86400}, TrendInterval::kDay, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);

  store.fail = Status::Ok();
  store.counts.trend.resize(5);  // one bucket asked for
  r = RunNpsReport(&store, {}, {0, 86400}, TrendInterval::kDay, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
}

}  // namespace
}  // namespace callexa
