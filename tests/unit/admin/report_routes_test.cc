// The report routes: GET api/surveys/{id}/stats and responses.csv, their
// query parameters and their lane.
#include "admin/report_routes.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/admin_api.h"
#include "common/time_format.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

int64_t T(const std::string &iso) { return ParseIso8601(iso).value(); }

HttpRequest Get(std::string path, std::string query = "") {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  r.host = "admin.example";
  return r;
}

TEST(ReportQueryTest, DefaultsToTheLast90DaysByWeek) {
  auto q = ReadReportQuery("", kNow);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->period.to, kNow + 1);  // this second included
  EXPECT_EQ(q->period.from, kNow + 1 - 90 * kSecondsPerDay);
  EXPECT_EQ(q->interval, TrendInterval::kWeek);
  EXPECT_FALSE(q->filter.band || q->filter.tag || q->filter.has_comment);
  EXPECT_TRUE(q->filter.traits.empty());
}

TEST(ReportQueryTest, ADateAsToIncludesThatDay) {
  auto q = ReadReportQuery("from=2026-11-01&to=2026-11-30", kNow);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->period.from, T("2026-11-01"));
  EXPECT_EQ(q->period.to, T("2026-12-01"));
  q = ReadReportQuery("from=2026-11-01T00:00:00%2B01:00&to=2026-11-30T12:00:00Z", kNow);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->period.from, T("2026-10-31T23:00:00Z"));
  EXPECT_EQ(q->period.to, T("2026-11-30T12:00:00Z"));  // a date-time is exclusive
  q = ReadReportQuery("to=2026-11-30", kNow);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->period.from, T("2026-12-01") - 90 * kSecondsPerDay);
}

TEST(ReportQueryTest, ReadsEveryFilter) {
  auto q = ReadReportQuery(
      "interval=month&band=promoter&tag=Customer+support&has_comment=false&"
      "trait.plan=pro&trait.first_name=Ada",
      kNow);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->interval, TrendInterval::kMonth);
  EXPECT_EQ(q->filter.band, ScoreBand::kPromoter);
  EXPECT_EQ(q->filter.tag, "Customer support");
  EXPECT_EQ(q->filter.has_comment, false);
  ASSERT_EQ(q->filter.traits.size(), 2u);
  EXPECT_EQ(q->filter.traits[0].name, "plan");
  EXPECT_EQ(q->filter.traits[0].value, "pro");
  EXPECT_EQ(q->filter.traits[1].name, "first_name");
}

TEST(ReportQueryTest, ErrorsNameTheParameter) {
  const struct {
    const char *query;
    const char *fragment;
  } cases[] = {
      {"from=yesterday", "from must be a date"},
      {"to=2026-13-01", "to must be a date"},
      {"from=2026-11-30&to=2026-11-01", "from must be before to"},
      {"from=2026-11-28T10:00:00Z&to=2026-11-28T10:00:00Z", "from must be before to"},
      {"interval=year", "interval must be day, week or month"},
      {"band=fans", "band must be detractor, passive or promoter"},
      {"tag=", "tag must be"},
      {"has_comment=yes", "has_comment must be true or false"},
      {"trait.=x", "trait.: a trait name"},
      {"trait.a-b=x", "trait.a-b: a trait name"},
      {"trait.plan=a&trait.plan=b", "trait.plan is given more than once"},
      {"bnad=promoter", "unknown parameter bnad"},
      {"from=2020-01-01&to=2026-11-28&interval=day",
       "interval=day gives 2524 trend points"},
  };
  for (const auto &c : cases) {
    auto q = ReadReportQuery(c.query, kNow);
    ASSERT_FALSE(q.ok()) << c.query;
    EXPECT_EQ(q.status().code(), Status::Code::kInvalidArgument) << c.query;
    EXPECT_NE(q.status().message().find(c.fragment), std::string::npos)
        << c.query << ": " << q.status().message();
  }
  EXPECT_TRUE(ReadReportQuery("from=2020-01-01&to=2026-11-28&interval=week", kNow).ok());
}

class ReportRoutesTest : public ::testing::Test {
 protected:
  ReportRoutesTest() {
    api_ = std::make_unique<AdminApi>(store_.get());
    survey_ = store_.NewSurvey(
        R"({"tags":["Support","Price"],"questions":[{"id":"feature","text":"What is missing?"}]})");
  }

  void Answer(const std::string &email, int score, int64_t at,
              const std::string &comment = "", std::map<std::string, int> tags = {}) {
    const int64_t id = store_.SentInvitation(survey_, email, at, "Ada");
    ASSERT_GT(id, 0);
    callexa::Answer a;
    a.score = score;
    a.comment = comment;
    a.tag_ratings = std::move(tags);
    a.extra_answers = {{"feature", "dark mode"}};
    a.consent = score >= 9;
    ASSERT_TRUE(store_->SaveAnswer(id, a, false, at + 60).ok());
  }

  std::string Path(const std::string &tail) {
    return "api/surveys/" + std::to_string(survey_.id) + "/" + tail;
  }

  json Stats(const std::string &query, int want_status = 200) {
    const HttpResponse r = api_->Handle(Get(Path("stats"), query), kNow);
    EXPECT_EQ(r.status, want_status) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body, nullptr, false);
  }

  // The whole streamed body of a CSV answer.
  static std::string Body(const HttpResponse &r) {
    std::string body;
    EXPECT_NE(r.stream, nullptr);
    for (int i = 0; r.stream && i < 1000; ++i) {
      auto piece = r.stream->Next();
      EXPECT_TRUE(piece.ok());
      if (!piece.ok() || piece->empty()) break;
      body += *piece;
    }
    return body;
  }

  TempStore store_;
  std::unique_ptr<AdminApi> api_;
  Survey survey_;
};

TEST_F(ReportRoutesTest, StatsOfThePeriodWithTrendTagsAndPrevious) {
  Answer("a@example.com", 10, T("2026-11-02T09:00:00Z"), "Great", {{"Support", 5}});
  Answer("b@example.com", 9, T("2026-11-10T09:00:00Z"), "", {{"Support", 4}});
  Answer("c@example.com", 3, T("2026-11-20T09:00:00Z"), "Slow", {{"Price", 1}});
  Answer("d@example.com", 7, T("2026-10-20T09:00:00Z"));  // the previous period
  const json s = Stats("from=2026-11-01&to=2026-11-30&interval=week");
  EXPECT_EQ(s["survey_id"], survey_.id);
  EXPECT_EQ(s["from"], "2026-11-01T00:00:00Z");
  EXPECT_EQ(s["to"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(s["interval"], "week");
  EXPECT_NEAR(s["nps"].get<double>(), 33.33, 1e-9);  // 2/3 - 1/3
  EXPECT_GT(s["margin_of_error"].get<double>(), 0);
  EXPECT_EQ(s["counts"]["answers"], 3);
  EXPECT_EQ(s["counts"]["promoters"], 2);
  EXPECT_EQ(s["counts"]["detractors"], 1);
  EXPECT_NEAR(s["counts"]["promoters_pct"].get<double>(), 66.67, 1e-9);
  EXPECT_EQ(s["distribution"], json::array({0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(s["response_rate"], 1.0);
  EXPECT_NEAR(s["comment_rate"].get<double>(), 0.6667, 1e-9);
  ASSERT_EQ(s["tags"].size(), 2u);
  EXPECT_EQ(s["tags"][0]["name"], "Support");
  EXPECT_EQ(s["tags"][0]["average"], 4.5);
  EXPECT_EQ(s["tags"][0]["count"], 2);
  EXPECT_EQ(s["tags"][0]["nps_by_rating"], json({{"4", 100.0}, {"5", 100.0}}));
  EXPECT_EQ(s["tags"][1]["name"], "Price");
  EXPECT_EQ(s["tags"][1]["nps_by_rating"], json({{"1", -100.0}}));
  // Sunday 1 November, then five weeks from Monday 2 November.
  ASSERT_EQ(s["trend"].size(), 6u);
  EXPECT_EQ(s["trend"][0]["start"], "2026-11-01T00:00:00Z");
  EXPECT_EQ(s["trend"][0]["answers"], 0);
  EXPECT_TRUE(s["trend"][0]["nps"].is_null());
  EXPECT_EQ(s["trend"][1]["start"], "2026-11-02T00:00:00Z");
  EXPECT_EQ(s["trend"][1]["end"], "2026-11-09T00:00:00Z");
  EXPECT_EQ(s["trend"][1]["nps"], 100.0);
  EXPECT_EQ(s["trend"][5]["end"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(s["previous"]["from"], "2026-10-02T00:00:00Z");
  EXPECT_EQ(s["previous"]["counts"]["answers"], 1);
  EXPECT_EQ(s["previous"]["nps"], 0.0);
  EXPECT_NEAR(s["change"].get<double>(), 33.33, 1e-9);
  EXPECT_EQ(s["change_is_significant"], false);
}

TEST_F(ReportRoutesTest, AnEmptyPeriodHasNullFigures) {
  const json s = Stats("from=2026-11-01&to=2026-11-30&band=promoter");
  EXPECT_TRUE(s["nps"].is_null());
  EXPECT_EQ(s["margin_of_error"], 0.0);
  EXPECT_EQ(s["counts"]["answers"], 0);
  EXPECT_TRUE(s["response_rate"].is_null());
  EXPECT_TRUE(s["comment_rate"].is_null());
  EXPECT_TRUE(s["change"].is_null());
  EXPECT_EQ(s["change_is_significant"], false);
  EXPECT_EQ(s["tags"][0]["count"], 0);
  EXPECT_TRUE(s["tags"][0]["average"].is_null());
}

TEST_F(ReportRoutesTest, Errors) {
  json e = Stats("band=fans", 400);
  EXPECT_EQ(e["message"], "band must be detractor, passive or promoter");
  const HttpResponse missing = api_->Handle(Get("api/surveys/999/stats"), kNow);
  EXPECT_EQ(missing.status, 404);
  HttpRequest post = Get(Path("responses.csv"));
  post.method = "POST";
  post.content_type = "application/json";
  EXPECT_EQ(api_->Handle(post, kNow).status, 405);
  const HttpResponse csv = api_->Handle(Get(Path("responses.csv"), "tag="), kNow);
  EXPECT_EQ(csv.status, 400);
  EXPECT_EQ(csv.stream, nullptr);
}

TEST_F(ReportRoutesTest, CsvExportsEveryAnswerOfThePeriod) {
  Answer("ada@example.com", 10, T("2026-11-02T09:00:00Z"), "Fast, \"friendly\"\nthanks",
         {{"Support", 5}});
  Answer("eve@example.com", 2, T("2026-11-03T09:00:00Z"), "=HYPERLINK(\"x\")",
         {{"Price", 1}});
  Answer("old@example.com", 8, T("2026-10-03T09:00:00Z"));  // before the period
  const HttpResponse r =
      api_->Handle(Get(Path("responses.csv"), "from=2026-11-01&to=2026-11-30"), kNow);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Content-Disposition");
  EXPECT_EQ(r.headers[0].second, "attachment; filename=\"responses-survey-" +
                                     std::to_string(survey_.id) +
                                     "-2026-11-01-to-2026-11-30.csv\"");
  EXPECT_EQ(Body(r),
            "\xEF\xBB\xBF"
            "answered_at,email,first_name,last_name,score,band,comment,tag:Support,"
            "tag:Price,question:feature,consent\r\n"
            "2026-11-02T09:01:00Z,ada@example.com,Ada,,10,promoter,"
            "\"Fast, \"\"friendly\"\"\nthanks\",5,,dark mode,yes\r\n"
            "2026-11-03T09:01:00Z,eve@example.com,Ada,,2,detractor,"
            "\"'=HYPERLINK(\"\"x\"\")\",,1,dark mode,no\r\n");

  const HttpResponse promoters = api_->Handle(
      Get(Path("responses.csv"), "from=2026-11-01&to=2026-11-30&band=promoter"), kNow);
  const std::string body = Body(promoters);
  EXPECT_NE(body.find("ada@example.com"), std::string::npos);
  EXPECT_EQ(body.find("eve@example.com"), std::string::npos);
}

TEST_F(ReportRoutesTest, ReportsRunOnTheReportsLane) {
  EXPECT_EQ(api_->LaneFor(Get(Path("stats"))), Lane::kReports);
  EXPECT_EQ(api_->LaneFor(Get(Path("responses.csv"))), Lane::kReports);
  EXPECT_EQ(api_->LaneFor(Get(Path("responses"))), Lane::kRequests);
  EXPECT_EQ(api_->LaneFor(Get("api/surveys")), Lane::kRequests);
  EXPECT_EQ(api_->LaneFor(Get("api/suppressions/stats")), Lane::kRequests);
}

}  // namespace
}  // namespace callexa
