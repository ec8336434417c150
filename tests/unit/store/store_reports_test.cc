#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kStart = 1795392000;  // Monday 2026-11-23T00:00:00Z

// The reports' side of the store contract, run on every backend.
class StoreReportsTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  StoreReportsTest() {
    Survey draft;
    draft.name = "NPS";
    draft.policy.min_delay_days = 0;
    draft.policy.resurvey_interval_days = 0;  // invite the same customer again
    draft.policy.automation = true;
    survey_ = store_->CreateSurvey(draft, 0).value();
  }

  // An identify of `email` with `traits` at `at` and the invitation sent then.
  int64_t Invite(const std::string &email, int64_t at, json traits = json::object(),
                 const Survey *survey = nullptr) {
    traits["email"] = email;
    auto parsed = ParseSpecMessage({{"type", "identify"}, {"traits", traits}}, "");
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    IngestJob job;
    job.api_key = (survey ? *survey : survey_).api_key;
    job.identifies.push_back(*parsed->identify);
    store_->ApplyIngest({&job}, at);
    EXPECT_TRUE(job.status.ok()) << job.status.message();
    auto claims = store_->ClaimDueInvitations(at, 100, 60, "test");
    EXPECT_TRUE(claims.ok() && claims->size() == 1u);
    if (!claims.ok() || claims->empty()) return 0;
    DeliveryRecord sent;
    sent.invitation_id = claims->front().invitation_id;
    EXPECT_TRUE(store_->RecordDeliveries({sent}, at, "test").ok());
    return sent.invitation_id;
  }

  void Answer(int64_t invitation, int score, int64_t at, const std::string &comment = "",
              std::map<std::string, int> tags = {}) {
    callexa::Answer a;
    a.score = score;
    a.comment = comment;
    a.tag_ratings = std::move(tags);
    a.extra_answers = {{"feature", "dark mode"}};
    ASSERT_TRUE(store_->SaveAnswer(invitation, a, false, at).ok());
  }

  ReportCounts Count(const ReportFilter &filter, TimeSpan period,
                     std::vector<TimeSpan> trend = {}) {
    ReportSpans spans;
    spans.period = period;
    spans.previous = {period.from - (period.to - period.from), period.from};
    spans.trend = std::move(trend);
    auto counts = store_->CountReport(filter, spans);
    EXPECT_TRUE(counts.ok()) << counts.status().ToLogString();
    return counts.ok() ? *counts : ReportCounts{};
  }

  ReportCounts Count(TimeSpan period, std::vector<TimeSpan> trend = {}) {
    return Count(Filter(), period, std::move(trend));
  }

  ReportFilter Filter() const {
    ReportFilter f;
    f.survey_id = survey_.id;
    return f;
  }

  static int64_t Answers(const ScoreCounts &scores) {
    int64_t n = 0;
    for (int64_t c : scores) n += c;
    return n;
  }

  std::vector<ExportRow> ExportAll(const ReportFilter &filter, TimeSpan span, int limit) {
    std::vector<ExportRow> all;
    ExportCursor after{span.from, 0};
    for (int page = 0; page < 100; ++page) {
      auto rows = store_->ExportAnswers(filter, span, after, limit);
      EXPECT_TRUE(rows.ok()) << rows.status().ToLogString();
      if (!rows.ok()) break;
      all.insert(all.end(), rows->begin(), rows->end());
      if (static_cast<int>(rows->size()) < limit) break;
      after = {rows->back().answered_at, rows->back().invitation_id};
    }
    return all;
  }

  TempStore store_{GetParam()};
  Survey survey_;
};

TEST_P(StoreReportsTest, AnEmptySurveyCountsNothing) {
  const ReportCounts c = Count({kStart, kStart + 7 * kDay}, {{kStart, kStart + kDay}});
  EXPECT_EQ(Answers(c.period.scores), 0);
  EXPECT_EQ(c.period.with_comment, 0);
  EXPECT_EQ(c.period.invitations_sent, 0);
  EXPECT_TRUE(c.tags.empty());
  ASSERT_EQ(c.trend.size(), 1u);
  EXPECT_EQ(Answers(c.trend[0]), 0);
}

TEST_P(StoreReportsTest, CountsScoresCommentsAndInvitationsOfThePeriod) {
  const int64_t a = Invite("a@example.com", kStart);
  const int64_t b = Invite("b@example.com", kStart + kDay);
  Invite("c@example.com", kStart + kDay);  // sent, never answered
  const int64_t old = Invite("d@example.com", kStart - 3 * kDay);
  Answer(a, 10, kStart + 100, "great");
  Answer(b, 3, kStart + kDay + 100);
  Answer(old, 9, kStart - 2 * kDay);  // answered before the period
  // Another survey's answers never count.
  Survey other_draft;
  other_draft.name = "other";
  other_draft.policy.min_delay_days = 0;
  other_draft.policy.automation = true;
  const Survey other = store_->CreateSurvey(other_draft, 0).value();
  Answer(Invite("e@example.com", kStart, json::object(), &other), 0, kStart + 5);

  const ReportCounts c = Count({kStart, kStart + 7 * kDay});
  EXPECT_EQ(c.period.scores[10], 1);
  EXPECT_EQ(c.period.scores[3], 1);
  EXPECT_EQ(Answers(c.period.scores), 2);
  EXPECT_EQ(c.period.with_comment, 1);
  EXPECT_EQ(c.period.invitations_sent, 3);
  EXPECT_EQ(c.period.invitations_answered, 2);
  // The previous week: d's invitation and answer.
  EXPECT_EQ(c.previous.scores[9], 1);
  EXPECT_EQ(Answers(c.previous.scores), 1);
  EXPECT_EQ(c.previous.invitations_sent, 1);
  EXPECT_EQ(c.previous.invitations_answered, 1);
}

TEST_P(StoreReportsTest, AnAnswerBeforeTheSendIsRecordedLeavesItSent) {
  store_.Identify(survey_, "ada@example.com", kStart);
  auto claims = store_->ClaimDueInvitations(kStart, 10, 60, "test");
  ASSERT_TRUE(claims.ok() && claims->size() == 1u);
  const int64_t id = claims->front().invitation_id;
  Answer(id, 9, kStart + 1);  // the person clicked before the send was recorded
  DeliveryRecord sent;
  sent.invitation_id = id;
  ASSERT_TRUE(store_->RecordDeliveries({sent}, kStart + 2, "test").ok());
  const ReportCounts c = Count({kStart, kStart + kDay});
  EXPECT_EQ(c.period.invitations_sent, 1);
  EXPECT_EQ(c.period.invitations_answered, 1);
  auto context = store_->LoadInvitation(id);
  ASSERT_TRUE(context.ok());
  EXPECT_EQ(context->status, InvitationStatus::kAnswered);
}

TEST_P(StoreReportsTest, EachCustomerCountsOnceByTheirLatestAnswerInTheSpan) {
  const int64_t first = Invite("ada@example.com", kStart);
  Answer(first, 9, kStart + 10);
  const int64_t second = Invite("ada@example.com", kStart + 2 * kDay);
  Answer(second, 3, kStart + 2 * kDay + 10);

  ReportCounts c = Count({kStart, kStart + 7 * kDay});
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.scores[3], 1);         // the latest, a detractor
  EXPECT_EQ(c.period.invitations_sent, 2);  // invitations count one by one

  // A period that ends before the second answer sees the first.
  c = Count({kStart, kStart + kDay});
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.scores[9], 1);

  // Changing the first answer later makes it the latest again.
  Answer(first, 8, kStart + 3 * kDay);
  c = Count({kStart, kStart + 7 * kDay});
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.scores[8], 1);
  c = Count({kStart, kStart + 3 * kDay});  // before that change: the second
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.scores[3], 1);
}

TEST_P(StoreReportsTest, TheTrendCountsTheLatestAnswerInEachBucket) {
  const int64_t first = Invite("ada@example.com", kStart);
  Answer(first, 10, kStart + 10);
  const int64_t second = Invite("ada@example.com", kStart + 8 * kDay);
  Answer(second, 2, kStart + 8 * kDay);
  Answer(Invite("bob@example.com", kStart + 9 * kDay), 7, kStart + 9 * kDay);
  // Last second of the second week, and the first of the third.
  Answer(Invite("cy@example.com", kStart + 14 * kDay - 1), 9, kStart + 14 * kDay - 1);
  Answer(Invite("dee@example.com", kStart + 14 * kDay), 0, kStart + 14 * kDay);

  const std::vector<TimeSpan> weeks = {{kStart, kStart + 7 * kDay},
                                       {kStart + 7 * kDay, kStart + 14 * kDay},
                                       {kStart + 14 * kDay, kStart + 21 * kDay}};
  const ReportCounts c = Count({kStart, kStart + 21 * kDay}, weeks);
  ASSERT_EQ(c.trend.size(), 3u);
  EXPECT_EQ(Answers(c.trend[0]), 1);  // ada's promoter answer
  EXPECT_EQ(c.trend[0][10], 1);
  EXPECT_EQ(Answers(c.trend[1]), 3);  // ada's detractor, bob, cy
  EXPECT_EQ(c.trend[1][2], 1);
  EXPECT_EQ(c.trend[1][9], 1);
  EXPECT_EQ(Answers(c.trend[2]), 1);  // dee
  EXPECT_EQ(c.trend[2][0], 1);
  EXPECT_EQ(Answers(c.period.scores), 4);  // ada once, by her latest
  EXPECT_EQ(c.period.scores[10], 0);
}

TEST_P(StoreReportsTest, AnswerFiltersApplyToTheLatestAnswer) {
  const int64_t first = Invite("ada@example.com", kStart);
  Answer(first, 10, kStart + 10, "love it", {{"Support", 5}});
  Answer(Invite("ada@example.com", kStart + kDay), 1, kStart + kDay, "", {{"Price", 1}});
  Answer(Invite("bob@example.com", kStart), 9, kStart + 20, "good", {{"Support", 4}});
  Answer(Invite("cy@example.com", kStart), 7, kStart + 30);
  const TimeSpan week{kStart, kStart + 7 * kDay};

  ReportFilter f = Filter();
  f.band = ScoreBand::kPromoter;  // ada was one, but is no more
  ReportCounts c = Count(f, week);
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.scores[9], 1);
  EXPECT_EQ(c.period.invitations_sent, 4);  // answer filters leave invitations be

  f = Filter();
  f.tag = "Support";  // ada's latest answer rated Price only
  c = Count(f, week);
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.scores[9], 1);

  f = Filter();
  f.has_comment = true;
  c = Count(f, week);
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.with_comment, 1);
  f.has_comment = false;
  c = Count(f, week);
  EXPECT_EQ(Answers(c.period.scores), 2);  // ada's latest and cy
  EXPECT_EQ(c.period.with_comment, 0);
}

TEST_P(StoreReportsTest, TraitFiltersMatchFieldsAndIdentifyTraits) {
  Answer(Invite("ada@example.com", kStart,
                {{"firstName", "Ada"}, {"plan", "pro"}, {"seats", 42}, {"trial", true}}),
         10, kStart + 1);
  Answer(Invite("bob@example.com", kStart,
                {{"firstName", "Bob"}, {"plan", "free"}, {"seats", 3}, {"trial", false}}),
         0, kStart + 2);
  Invite("cy@example.com", kStart, {{"plan", "pro"}});  // not answered
  Answer(Invite("dee@example.com", kStart,
                {{"code", "42"}, {"city", "Zürich"}, {"quote", "say \"hi\"\n"}}),
         7, kStart + 3);
  const TimeSpan week{kStart, kStart + 7 * kDay};
  auto count = [&](std::vector<TraitFilter> traits) {
    ReportFilter f = Filter();
    f.traits = std::move(traits);
    return Count(f, week);
  };
  EXPECT_EQ(count({{"first_name", "Ada"}}).period.scores[10], 1);
  EXPECT_EQ(Answers(count({{"first_name", "Ada"}}).period.scores), 1);
  ReportCounts c = count({{"plan", "pro"}});
  EXPECT_EQ(Answers(c.period.scores), 1);
  EXPECT_EQ(c.period.invitations_sent, 2);  // ada and cy
  EXPECT_EQ(c.period.invitations_answered, 1);
  EXPECT_EQ(count({{"seats", "42"}}).period.scores[10], 1);
  EXPECT_EQ(count({{"trial", "false"}}).period.scores[0], 1);
  EXPECT_EQ(Answers(count({{"plan", "pro"}, {"trial", "false"}}).period.scores), 0);
  EXPECT_EQ(Answers(count({{"missing", "x"}}).period.scores), 0);
  // Strings match as they are, whatever they look like or hold.
  EXPECT_EQ(count({{"code", "42"}}).period.scores[7], 1);
  EXPECT_EQ(Answers(count({{"seats", "42"}}).period.scores), 1);
  EXPECT_EQ(count({{"city", "Zürich"}}).period.scores[7], 1);
  EXPECT_EQ(count({{"quote", "say \"hi\"\n"}}).period.scores[7], 1);
  EXPECT_EQ(Answers(count({{"code", "\"42\""}}).period.scores), 0);
  // A value that looks like SQL is only ever a value.
  EXPECT_EQ(Answers(count({{"plan", "pro' OR '1'='1"}}).period.scores), 0);
}

TEST_P(StoreReportsTest, TagRatingsByBand) {
  Answer(Invite("a@example.com", kStart), 10, kStart + 1, "", {{"Support", 5}});
  Answer(Invite("b@example.com", kStart), 9, kStart + 2, "",
         {{"Support", 5}, {"Price", 2}});
  Answer(Invite("c@example.com", kStart), 2, kStart + 3, "",
         {{"Support", 1}, {"Price", 2}});
  Answer(Invite("d@example.com", kStart), 8, kStart + 4);
  const ReportCounts c = Count({kStart, kStart + 7 * kDay});
  ASSERT_EQ(c.tags.size(), 3u);
  EXPECT_EQ(c.tags[0].tag, "Price");
  EXPECT_EQ(c.tags[0].rating, 2);
  EXPECT_EQ(c.tags[0].detractors, 1);
  EXPECT_EQ(c.tags[0].promoters, 1);
  EXPECT_EQ(c.tags[1].tag, "Support");
  EXPECT_EQ(c.tags[1].rating, 1);
  EXPECT_EQ(c.tags[1].detractors, 1);
  EXPECT_EQ(c.tags[2].rating, 5);
  EXPECT_EQ(c.tags[2].promoters, 2);
  EXPECT_EQ(c.tags[2].passives, 0);
}

TEST_P(StoreReportsTest, ExportPagesThroughEveryAnswerInOrder) {
  std::vector<int64_t> invitations;
  for (int i = 0; i < 7; ++i) {
    const int64_t id = Invite("c" + std::to_string(i) + "@example.com", kStart,
                              {{"firstName", "C" + std::to_string(i)}});
    // Pairs share a second, so that pages split within one answered_at.
    Answer(id, i, kStart + 100 + i / 2, i == 3 ? "=1+1" : "", {{"Support", 1 + i % 5}});
    invitations.push_back(id);
  }
  // A second answer of c0 is a row of its own in an export.
  Answer(Invite("c0@example.com", kStart + kDay), 10, kStart + kDay);
  Answer(Invite("late@example.com", kStart), 9, kStart + 8 * kDay);  // after the span

  const TimeSpan week{kStart, kStart + 7 * kDay};
  const std::vector<ExportRow> rows = ExportAll(Filter(), week, 3);
  ASSERT_EQ(rows.size(), 8u);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_TRUE(rows[i - 1].answered_at < rows[i].answered_at ||
                (rows[i - 1].answered_at == rows[i].answered_at &&
                 rows[i - 1].invitation_id < rows[i].invitation_id))
        << i;
  }
  EXPECT_EQ(rows[0].invitation_id, invitations[0]);
  EXPECT_EQ(rows[0].email, "c0@example.com");
  EXPECT_EQ(rows[0].first_name, "C0");
  EXPECT_EQ(rows[0].answered_at, kStart + 100);
  EXPECT_EQ(rows[0].tag_ratings.at("Support"), 1);
  EXPECT_EQ(rows[0].extra_answers.at("feature"), "dark mode");
  EXPECT_EQ(rows[3].comment, "=1+1");
  EXPECT_EQ(rows[7].score, 10);

  ReportFilter f = Filter();
  f.band = ScoreBand::kPassive;
  EXPECT_EQ(ExportAll(f, week, 3).size(), 0u);
  f.band = ScoreBand::kDetractor;
  EXPECT_EQ(ExportAll(f, week, 2).size(), 7u);  // scores 0..6
  f = Filter();
  f.traits = {{"first_name", "C4"}};
  const auto c4 = ExportAll(f, week, 2);
  ASSERT_EQ(c4.size(), 1u);
  EXPECT_EQ(c4[0].score, 4);
}

// A tag or trait filter that every answer passes counts what no filter
// counts: the row-reading path and the index path agree on the latest
// answer per customer in every span, comments, tags and trend.
TEST_P(StoreReportsTest, ReviewClicksOfTheCountedAnswers) {
  const TimeSpan week = {kStart, kStart + 7 * kDay};
  const int64_t ada = Invite("ada@example.com", kStart + 3600);
  const int64_t bo = Invite("bo@example.com", kStart + 3600);
  const int64_t cy = Invite("cy@example.com", kStart - 3 * kDay);
  Answer(ada, 10, kStart + 7200, "", {{"Support", 5}});
  Answer(bo, 9, kStart + 7200, "", {{"Support", 4}});
  Answer(cy, 10, kStart - 3 * kDay + 60, "", {{"Support", 5}});
  ASSERT_TRUE(store_->RecordReviewClick(ada, kStart + 7300).ok());
  ASSERT_TRUE(store_->RecordReviewClick(cy, kStart - 3 * kDay + 120).ok());
  ReportFilter by_tag = Filter();  // counted by the other path
  by_tag.tag = "Support";
  for (const ReportFilter &f : {Filter(), by_tag}) {
    const ReportCounts c = Count(f, week);
    EXPECT_EQ(c.period.review_clicks, 1);
    EXPECT_EQ(c.previous.review_clicks, 1);
  }
}

TEST_P(StoreReportsTest, FiltersThatEveryAnswerPassesCountAsNoFilter) {
  const TimeSpan week = {kStart, kStart + 7 * kDay};
  std::vector<TimeSpan> days;
  for (int d = 0; d < 7; ++d)
    days.push_back({kStart + d * kDay, kStart + (d + 1) * kDay});
  for (int i = 0; i < 12; ++i) {
    const std::string email = "c" + std::to_string(i) + "@example.com";
    // Some in the previous week, some twice in this one (the later counts
    // in the week, both in their days), one just after the week.
    const int64_t first = kStart + (i % 3 == 0 ? -3 * kDay : (i % 7) * kDay) + 3600;
    Answer(Invite(email, first, {{"plan", "pro"}}), i % 11, first + 60,
           i % 2 ? "words" : "", {{"Support", 1 + i % 5}, {"Price", 5}});
    if (i % 4 == 1) {
      const int64_t again = i == 5 ? week.to + 60 : first + kDay;
      Answer(Invite(email, again, {{"plan", "pro"}}), (i * 7) % 11, again + 60, "again",
             {{"Support", 2}});
    }
  }
  const ReportCounts plain = Count(week, days);
  ReportFilter by_tag = Filter();
  by_tag.tag = "Support";
  ReportFilter by_trait = Filter();
  by_trait.traits = {{"plan", "pro"}};
  for (const ReportFilter &f : {by_tag, by_trait}) {
    const ReportCounts c = Count(f, week, days);
    EXPECT_EQ(c.period.scores, plain.period.scores);
    EXPECT_EQ(c.period.with_comment, plain.period.with_comment);
    EXPECT_EQ(c.previous.scores, plain.previous.scores);
    EXPECT_EQ(c.previous.with_comment, plain.previous.with_comment);
    EXPECT_EQ(c.period.invitations_sent, plain.period.invitations_sent);
    EXPECT_EQ(c.trend, plain.trend);
    ASSERT_EQ(c.tags.size(), plain.tags.size());
    for (size_t i = 0; i < c.tags.size(); ++i) {
      EXPECT_EQ(c.tags[i].tag, plain.tags[i].tag);
      EXPECT_EQ(c.tags[i].rating, plain.tags[i].rating);
      EXPECT_EQ(c.tags[i].detractors, plain.tags[i].detractors);
      EXPECT_EQ(c.tags[i].passives, plain.tags[i].passives);
      EXPECT_EQ(c.tags[i].promoters, plain.tags[i].promoters);
    }
  }
  EXPECT_GT(Answers(plain.period.scores), 5);
  EXPECT_GT(Answers(plain.previous.scores), 0);
  EXPECT_FALSE(plain.tags.empty());
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StoreReportsTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa
