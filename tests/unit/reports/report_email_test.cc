#include "reports/report_email.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time_format.h"
#include "mail/mail_message_parser.h"

namespace callexa {
namespace {

using mailtest::Header;
using mailtest::Parse;
using mailtest::ParsedMessage;

int64_t T(const char *iso) { return ParseIso8601(iso).value(); }

// 200 promoters, 120 passives, 80 detractors (NPS +30, margin 7.7),
// against a previous week of 160/120/120 (NPS +10): a change of 20 points
// against a combined margin of 11.2.
NpsReport ExampleReport() {
  ScoreCounts now{}, before{};
  now[10] = 120, now[9] = 80, now[8] = 80, now[7] = 40, now[6] = 48, now[2] = 32;
  before[10] = 160, before[7] = 120, before[5] = 120;
  PeriodCounts c;
  c.scores = now;
  c.with_comment = 100;
  c.invitations_sent = 1600;
  c.invitations_answered = 400;
  PeriodCounts p;
  p.scores = before;
  NpsReport r;
  r.current = SummarisePeriod({T("2026-11-23"), T("2026-11-30")}, c);
  r.previous = SummarisePeriod({T("2026-11-16"), T("2026-11-23")}, p);
  r.change = CompareNps(r.current.nps, r.previous.nps);
  return r;
}

ExportRow Comment(int score, const std::string &text, const std::string &first,
                  const std::string &last, const char *at) {
  ExportRow row;
  row.score = score;
  row.comment = text;
  row.first_name = first;
  row.last_name = last;
  row.email = first + "@example.com";
  row.answered_at = T(at);
  return row;
}

ReportEmailInput ExampleInput() {
  ReportEmailInput in;
  in.survey_name = "Acme";
  in.frequency = ReportFrequency::kWeekly;
  in.report = ExampleReport();
  in.comments = {Comment(10, "Love it", "Ada", "Lovelace", "2026-11-29T10:00:00Z"),
                 Comment(3, "Too slow", "Bob", "", "2026-11-28T10:00:00Z")};
  in.dashboard_url = "https://nps.acme.example/admin/#/surveys/3/dashboard";
  return in;
}

TEST(ReportEmailTest, SaysThePeriodsFigures) {
  const ReportEmailBodies b = RenderReportBodies(ExampleInput());
  EXPECT_EQ(b.subject, "Acme: NPS +30 in the week of 23 Nov 2026");
  EXPECT_NE(b.text.find("NPS +30 (\u00b1"), std::string::npos) << b.text;
  EXPECT_NE(b.text.find("+20 points against the previous week (NPS +10): larger than "
                        "the margin of error, a real change."),
            std::string::npos)
      << b.text;
  EXPECT_NE(b.text.find("400 answers: 200 promoters (50%), 120 passives (30%), "
                        "80 detractors (20%)"),
            std::string::npos)
      << b.text;
  EXPECT_NE(b.text.find("Response rate 25%, comment rate 25%"), std::string::npos);
  EXPECT_NE(b.text.find(" 10     120  " + std::string(30, '#') + "\n"),
            std::string::npos);
  EXPECT_NE(b.text.find("  9      80  " + std::string(20, '#') + "\n"),
            std::string::npos);
  EXPECT_NE(b.text.find("  0       0\n"), std::string::npos);
  EXPECT_NE(b.text.find("[10] Love it\n    Ada L., 29 Nov"), std::string::npos) << b.text;
  EXPECT_NE(b.text.find("[3] Too slow\n    Bob, 28 Nov"), std::string::npos);
  EXPECT_NE(
      b.text.find("Dashboard: https://nps.acme.example/admin/#/surveys/3/dashboard"),
      std::string::npos);
  // The same in the HTML.
  EXPECT_NE(b.html.find(">+30</span>"), std::string::npos);
  EXPECT_NE(b.html.find("a real change"), std::string::npos);
  EXPECT_NE(b.html.find("href=\"https://nps.acme.example/admin/#/surveys/3/dashboard\""),
            std::string::npos);
  EXPECT_EQ(b.text.find("ada@example.com"), std::string::npos);  // never an address
  EXPECT_EQ(b.html.find("@example.com"), std::string::npos);
}

TEST(ReportEmailTest, NoiseIsNotCalledATrend) {
  ReportEmailInput in = ExampleInput();
  ScoreCounts before{};
  before[10] = 192, before[7] = 120, before[3] = 88;  // NPS +26: within the margin
  PeriodCounts p;
  p.scores = before;
  in.report.previous = SummarisePeriod({T("2026-11-16"), T("2026-11-23")}, p);
  in.report.change = CompareNps(in.report.current.nps, in.report.previous.nps);
  const ReportEmailBodies b = RenderReportBodies(in);
  EXPECT_NE(b.text.find("+4 points against the previous week (NPS +26): within the "
                        "margin of error, not a trend."),
            std::string::npos)
      << b.text;
}

TEST(ReportEmailTest, WithoutAPreviousPeriod) {
  ReportEmailInput in = ExampleInput();
  in.frequency = ReportFrequency::kMonthly;
  in.report.current.span = {T("2026-11-01"), T("2026-12-01")};
  in.report.previous = SummarisePeriod({T("2026-10-01"), T("2026-11-01")}, {});
  in.report.change = CompareNps(in.report.current.nps, in.report.previous.nps);
  const ReportEmailBodies b = RenderReportBodies(in);
  EXPECT_EQ(b.subject, "Acme: NPS +30 in November 2026");
  EXPECT_NE(b.text.find("No answers in the previous month to compare with."),
            std::string::npos);
}

TEST(ReportEmailTest, SaysTheInboxFiguresWhenGiven) {
  ReportEmailInput in = ExampleInput();
  EXPECT_EQ(RenderReportBodies(in).text.find("Follow-ups"), std::string::npos);
  FollowUpSummary f;
  f.open = 2;
  f.closed_in_period = 3;
  f.median_seconds_to_close = 4 * 3600 + 600;
  in.follow_ups = f;
  const ReportEmailBodies b = RenderReportBodies(in);
  const std::string sentence =
      "Follow-ups: 2 open; 3 closed in the period, in 4 h (median).";
  EXPECT_NE(b.text.find(sentence), std::string::npos) << b.text;
  EXPECT_NE(b.html.find(sentence), std::string::npos);
  in.follow_ups = FollowUpSummary{};
  EXPECT_NE(
      RenderReportBodies(in).text.find("Follow-ups: 0 open; none closed in the period."),
      std::string::npos);
}

TEST(ReportEmailTest, DistributionIsTableBarsWithoutScriptOrImages) {
  const ReportEmailBodies b = RenderReportBodies(ExampleInput());
  EXPECT_EQ(b.html.find("<script"), std::string::npos);
  EXPECT_EQ(b.html.find("<img"), std::string::npos);
  EXPECT_EQ(b.html.find("<style"), std::string::npos);  // inline styles only
  EXPECT_EQ(b.html.find("class="), std::string::npos);
  // Score 10 has the most answers: a full bar; score 9 two thirds of it.
  EXPECT_NE(b.html.find("width=\"100%\" bgcolor=\"#16a34a\""), std::string::npos);
  EXPECT_NE(b.html.find("width=\"67%\" bgcolor=\"#16a34a\""), std::string::npos);
  EXPECT_NE(b.html.find("width=\"40%\" bgcolor=\"#dc2626\""), std::string::npos);
  // A score nobody gave is the grey track alone.
  EXPECT_NE(
      b.html.find(">0</td><td style=\"padding:3px 0;\"><table role=\"presentation\" "
                  "width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>"
                  "<td bgcolor=\"#e5e7eb\""),
      std::string::npos);
}

TEST(ReportEmailTest, EscapesWhatCustomersAndOwnersWrote) {
  ReportEmailInput in = ExampleInput();
  in.survey_name = "Acme <b>\r\nBcc: x@evil.example";
  in.comments = {Comment(1, "<img src=x onerror=alert(1)><script>alert(2)</script>",
                         "<i>Eve", "\"Q", "2026-11-29T10:00:00Z")};
  const ReportEmailBodies b = RenderReportBodies(in);
  EXPECT_EQ(b.html.find("<img"), std::string::npos);
  EXPECT_EQ(b.html.find("<script"), std::string::npos);
  EXPECT_EQ(b.html.find("<i>"), std::string::npos);
  EXPECT_NE(b.html.find("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;"),
            std::string::npos);
  EXPECT_NE(b.html.find("&lt;i&gt;Eve &quot;."), std::string::npos);
  EXPECT_NE(b.html.find("Acme &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(b.subject.find('\n'), std::string::npos);
  EXPECT_EQ(b.subject.find('\r'), std::string::npos);
}

TEST(ReportEmailTest, ShowsAtMostFiveCommentsCutToLength) {
  ReportEmailInput in = ExampleInput();
  in.comments.clear();
  for (int i = 0; i < 8; ++i) {
    in.comments.push_back(Comment(9,
                                  "comment " + std::to_string(i) + std::string(600, 'x'),
                                  "Ann", "", "2026-11-29T10:00:00Z"));
  }
  const ReportEmailBodies b = RenderReportBodies(in);
  EXPECT_NE(b.text.find("comment 4"), std::string::npos);
  EXPECT_EQ(b.text.find("comment 5"), std::string::npos);
  EXPECT_NE(b.text.find("x\u2026\n"), std::string::npos);
  EXPECT_EQ(b.text.find(std::string(600, 'x')), std::string::npos);
}

TEST(ReportEmailTest, CommenterNames) {
  EXPECT_EQ(ReportCommenterName(Comment(9, "", "Ada", "Lovelace", "2026-11-29")),
            "Ada L.");
  EXPECT_EQ(ReportCommenterName(Comment(9, "", "Zoë", "Ørsted", "2026-11-29")), "Zoë Ø.");
  EXPECT_EQ(ReportCommenterName(Comment(9, "", "Ada", "", "2026-11-29")), "Ada");
  EXPECT_EQ(ReportCommenterName(Comment(9, "", "", "Lovelace", "2026-11-29")),
            "A customer");
}

TEST(ReportEmailTest, AWholeMessage) {
  ReportEnvelope env;
  env.sender = {"Acme NPS", "nps@acme.example"};
  env.recipient = "owner@acme.example";
  env.date = T("2026-11-30T00:01:00Z");
  env.message_id_unique = "report.0123456789ab";
  env.message_id_domain = "nps.acme.example";
  const auto message = RenderReportEmail(ExampleInput(), env);
  ASSERT_TRUE(message.ok()) << message.status().message();
  const ParsedMessage m = Parse(*message);
  EXPECT_EQ(Header(m.headers, "To"), "owner@acme.example");
  EXPECT_EQ(Header(m.headers, "From"), "\"Acme NPS\" <nps@acme.example>");
  EXPECT_EQ(Header(m.headers, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(Header(m.headers, "Message-ID"), "<report.0123456789ab@nps.acme.example>");
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_NE(m.parts[0].body.find("NPS +30"), std::string::npos);
  EXPECT_NE(m.parts[1].body.find("<!DOCTYPE html>"), std::string::npos);

  env.recipient = "not an address";
  EXPECT_FALSE(RenderReportEmail(ExampleInput(), env).ok());
  env.recipient = "owner@acme.example";
  env.message_id_unique = "bad id";
  EXPECT_FALSE(RenderReportEmail(ExampleInput(), env).ok());
}

}  // namespace
}  // namespace callexa
