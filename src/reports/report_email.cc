#include "reports/report_email.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/email_address.h"
#include "common/html_escape.h"
#include "common/utf8.h"
#include "mail/html_email_frame.h"
#include "mail/mime_encoding.h"
#include "mail/mime_message.h"

namespace callexa {
namespace {

// "40 min", "5 h", "3 days".
std::string DurationText(int64_t seconds) {
  if (seconds < 3600) {
    return std::to_string(std::max<int64_t>(1, (seconds + 30) / 60)) + " min";
  }
  if (seconds < 2 * 86400) return std::to_string((seconds + 1800) / 3600) + " h";
  return std::to_string((seconds + 43200) / 86400) + " days";
}

// "Follow-ups: 3 open; 5 closed in the period, in 4 h (median)."
std::string FollowUpSentence(const FollowUpSummary &f) {
  std::string out = "Follow-ups: " + std::to_string(f.open) + " open";
  if (f.closed_in_period > 0 && f.median_seconds_to_close) {
    out += "; " + std::to_string(f.closed_in_period) + " closed in the period, in " +
           DurationText(*f.median_seconds_to_close) + " (median)";
  } else {
    out += "; none closed in the period";
  }
  return out + ".";
}

// "Reminders: 40 sent; 12 invitations answered after theirs." (README
// "Reminders"), for surveys that sent any in the period.
std::string ReminderSentence(const PeriodStats &p) {
  return "Reminders: " + std::to_string(p.reminders_sent) + " sent; " +
         std::to_string(p.answered_after_reminder) +
         (p.answered_after_reminder == 1 ? " invitation" : " invitations") +
         " answered after theirs.";
}

const char kFont[] = "font-family:Arial,Helvetica,sans-serif;";
const char kTextColor[] = "#1f2937";
const char kMutedColor[] = "#4b5563";  // 7.6:1 on white
const char kTrackColor[] = "#e5e7eb";
const char kButtonColor[] = "#1d4ed8";
// Comments longer than this are cut (at a character boundary) with "…".
constexpr size_t kCommentBytes = 500;

const char *BandColor(ScoreBand band) {
  switch (band) {
    case ScoreBand::kDetractor:
      return "#dc2626";
    case ScoreBand::kPassive:
      return "#d97706";
    case ScoreBand::kPromoter:
      break;
  }
  return "#16a34a";
}

std::string Printf(const char *format, double value) {
  char buf[32];
  snprintf(buf, sizeof buf, format, value);
  return buf;
}

// "+42", "-5", "0": NPS points, rounded.
std::string SignedPoints(double value) {
  const double rounded = std::round(value);
  if (rounded == 0) return "0";
  return Printf(rounded > 0 ? "+%.0f" : "%.0f", rounded);
}

std::string NpsText(const NpsFigures &nps) {
  return nps.nps ? SignedPoints(*nps.nps) : "no score";
}

std::string MarginText(const NpsFigures &nps) {
  return Printf("\xC2\xB1%.1f", nps.margin_of_error);
}

std::string Percent(const std::optional<double> &rate) {
  return rate ? Printf("%.0f%%", *rate * 100) : "n/a";
}

std::string Count(int64_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string DayMonthYear(int64_t t, const char *format) {
  const time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[64];
  strftime(buf, sizeof buf, format, &tm);
  // "%d" pads with a zero; a date reads better without it.
  return buf[0] == '0' ? buf + 1 : buf;
}

const char *PeriodNoun(ReportFrequency frequency) {
  return frequency == ReportFrequency::kMonthly ? "month" : "week";
}

// The change against the previous period, in a sentence.
std::string ChangeSentence(const NpsReport &r, ReportFrequency frequency) {
  const std::string previous = std::string("the previous ") + PeriodNoun(frequency);
  if (!r.change.change) {
    return "No answers in " + previous + " to compare with.";
  }
  std::string s = SignedPoints(*r.change.change) + " points against " + previous +
                  " (NPS " + NpsText(r.previous.nps) + "): ";
  s += r.change.significant ? "larger than the margin of error, a real change."
                            : "within the margin of error, not a trend.";
  return s;
}

// `text` cut to at most `max` bytes at a character boundary, with "…".
std::string Shortened(const std::string &text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\xE2\x80\xA6";
}

std::string CommentText(const ExportRow &row) {
  return Shortened(SanitizeMultilineText(row.comment), kCommentBytes);
}

std::string CommentByline(const ExportRow &row) {
  return ReportCommenterName(row) + ", " + DayMonthYear(row.answered_at, "%d %b");
}

// ---------------------------------------------------------------------------
// Plain text

std::string RenderText(const ReportEmailInput &in, const std::string &label) {
  const NpsReport &r = in.report;
  const NpsFigures &n = r.current.nps;
  std::string out = "NPS report: " + SanitizeHeaderText(in.survey_name) + "\n";
  out += "For " + label + "\n\n";
  out += "NPS " + NpsText(n) + " (" + MarginText(n) + " at 95%)\n";
  out += ChangeSentence(r, in.frequency) + "\n\n";
  out += Count(n.answers, "answer", "answers") + ": " +
         Count(n.promoters, "promoter", "promoters") + " (" +
         Printf("%.0f%%", n.promoters_pct) + "), " +
         Count(n.passives, "passive", "passives") + " (" +
         Printf("%.0f%%", n.passives_pct) + "), " +
         Count(n.detractors, "detractor", "detractors") + " (" +
         Printf("%.0f%%", n.detractors_pct) + ")\n";
  out += "Response rate " + Percent(r.current.response_rate) + ", comment rate " +
         Percent(r.current.comment_rate) + "\n";
  // Only for surveys whose thank-you page invites promoters to a review.
  if (r.current.review_clicks > 0) {
    out += Count(r.current.review_clicks, "promoter", "promoters") +
           " followed the review invitation\n";
  }
  if (r.current.reminders_sent > 0) out += ReminderSentence(r.current) + "\n";
  if (in.follow_ups) out += FollowUpSentence(*in.follow_ups) + "\n";
  out += "\nScores\n";
  const int64_t most =
      *std::max_element(r.current.distribution.begin(), r.current.distribution.end());
  for (int score = 10; score >= 0; --score) {
    const int64_t count = r.current.distribution[score];
    char line[48];
    snprintf(line, sizeof line, "%3d  %6lld", score, static_cast<long long>(count));
    out += line;
    // A bar of up to 30 "#", so that the shape reads in plain text too.
    const int64_t bar = most > 0 ? (count * 30 + most - 1) / most : 0;
    if (bar > 0) out += "  " + std::string(static_cast<size_t>(bar), '#');
    out += "\n";
  }
  const size_t shown = std::min(in.comments.size(), kReportComments);
  if (shown > 0) out += "\nRecent comments\n";
  for (size_t i = 0; i < shown; ++i) {
    const ExportRow &c = in.comments[i];
    out += "\n[" + std::to_string(c.score) + "] " + CommentText(c) + "\n    " +
           CommentByline(c) + "\n";
  }
  if (!in.dashboard_url.empty()) out += "\nDashboard: " + in.dashboard_url + "\n";
  out +=
      "\nYou receive this report because your address is on the report list of "
      "this survey. Change the list or the cadence on the survey's dashboard.\n";
  return out;
}

// ---------------------------------------------------------------------------
// HTML

// A horizontal bar `percent` (0..100) of the cell's width in `color`, on
// a grey track: nested table cells, which every client renders.
std::string Bar(double percent, const char *color) {
  const int width =
      percent <= 0 ? 0 : std::max(1, static_cast<int>(std::lround(percent)));
  std::string out =
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "border=\"0\"><tr>";
  if (width > 0) {
    out += "<td width=\"" + std::to_string(width) + "%\" bgcolor=\"" + color +
           "\" style=\"background-color:" + color +
           ";height:14px;font-size:1px;line-height:14px;\">&nbsp;</td>";
  }
  if (width < 100) {
    out += "<td bgcolor=\"" + std::string(kTrackColor) +
           "\" style=\"background-color:" + kTrackColor +
           ";height:14px;font-size:1px;line-height:14px;\">&nbsp;</td>";
  }
  return out + "</tr></table>";
}

// The promoter / passive / detractor split as one stacked bar.
std::string SplitBar(const NpsFigures &n) {
  std::string out =
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "border=\"0\"><tr>";
  const struct {
    double pct;
    ScoreBand band;
  } parts[] = {{n.promoters_pct, ScoreBand::kPromoter},
               {n.passives_pct, ScoreBand::kPassive},
               {n.detractors_pct, ScoreBand::kDetractor}};
  for (const auto &p : parts) {
    const long width = std::lround(p.pct);
    if (width <= 0) continue;
    out += "<td width=\"" + std::to_string(width) + "%\" bgcolor=\"" + BandColor(p.band) +
           "\" style=\"background-color:" + BandColor(p.band) +
           ";height:12px;font-size:1px;line-height:12px;\">&nbsp;</td>";
  }
  return out + "</tr></table>";
}

std::string Figure(const std::string &label, const std::string &value) {
  return "<td width=\"25%\" valign=\"top\" style=\"padding:8px 4px;" +
         std::string(kFont) +
         "\"><div style=\"font-size:12px;line-height:16px;color:" + kMutedColor + ";\">" +
         label +
         "</div><div style=\"font-size:20px;line-height:28px;font-weight:bold;color:" +
         kTextColor + ";\">" + value + "</div></td>";
}

std::string BandFigure(const char *label, int64_t count, double pct, ScoreBand band) {
  return Figure("<span style=\"color:" + std::string(BandColor(band)) +
                    ";\">&#9632;</span> " + label,
                std::to_string(count) +
                    " <span style=\"font-size:14px;font-weight:normal;"
                    "color:" +
                    kMutedColor + ";\">(" + Printf("%.0f%%", pct) + ")</span>");
}

std::string Distribution(const PeriodStats &period) {
  const int64_t most =
      *std::max_element(period.distribution.begin(), period.distribution.end());
  std::string out =
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "border=\"0\" style=\"" +
      std::string(kFont) + "font-size:13px;color:" + kTextColor + ";\">\n";
  for (int score = 10; score >= 0; --score) {
    const int64_t count = period.distribution[score];
    const double pct = most > 0 ? 100.0 * static_cast<double>(count) / most : 0;
    out +=
        "<tr><td width=\"28\" align=\"right\" style=\"padding:3px 8px 3px 0;"
        "font-weight:bold;\">" +
        std::to_string(score) + "</td><td style=\"padding:3px 0;\">" +
        Bar(pct, BandColor(BandOfScore(score))) +
        "</td><td width=\"56\" align=\"right\" style=\"padding:3px 0 3px 8px;color:" +
        kMutedColor + ";\">" + std::to_string(count) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string Comments(const std::vector<ExportRow> &comments) {
  const size_t shown = std::min(comments.size(), kReportComments);
  std::string out;
  for (size_t i = 0; i < shown; ++i) {
    const ExportRow &c = comments[i];
    const char *color = BandColor(BandOfScore(c.score));
    out +=
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
        "cellspacing=\"0\" border=\"0\" style=\"margin:0 0 12px 0;\"><tr>"
        "<td width=\"36\" valign=\"top\"><table role=\"presentation\" cellpadding=\"0\" "
        "cellspacing=\"0\" border=\"0\"><tr><td width=\"28\" height=\"28\" "
        "align=\"center\" bgcolor=\"" +
        std::string(color) + "\" style=\"background-color:" + color + ";color:#ffffff;" +
        kFont + "font-size:14px;font-weight:bold;line-height:28px;\">" +
        std::to_string(c.score) + "</td></tr></table></td><td valign=\"top\" style=\"" +
        kFont + "font-size:15px;line-height:22px;color:" + kTextColor + ";\">" +
        HtmlText(CommentText(c)) +
        "<div style=\"font-size:12px;line-height:18px;color:" + kMutedColor + ";\">" +
        HtmlEscape(CommentByline(c)) + "</div></td></tr></table>\n";
  }
  return out;
}

// A link styled as a button from table cells ("bulletproof"), so that
// Outlook shows its colour too.
std::string Button(const std::string &url, const std::string &color) {
  return "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">"
         "<tr><td bgcolor=\"" +
         color + "\" style=\"background-color:" + color +
         ";border-radius:6px;\"><a href=\"" + HtmlEscape(url) +
         "\" target=\"_blank\" style=\"display:inline-block;padding:12px 20px;" + kFont +
         "font-size:15px;font-weight:bold;color:#ffffff;text-decoration:none;\">"
         "Open the dashboard</a></td></tr></table>\n";
}

std::string Section(const std::string &title, const std::string &body) {
  return "<tr><td style=\"padding:16px 24px 0 24px;\"><h2 style=\"margin:0 0 8px 0;" +
         std::string(kFont) + "font-size:16px;line-height:22px;color:" + kTextColor +
         ";\">" + title + "</h2>\n" + body + "</td></tr>\n";
}

std::string RenderHtml(const ReportEmailInput &in, const std::string &label,
                       const std::string &subject) {
  const NpsReport &r = in.report;
  const NpsFigures &n = r.current.nps;
  const std::string name = HtmlText(SanitizeHeaderText(in.survey_name));
  std::string out;
  out.reserve(24000);
  out += HtmlEmailHead("en", subject);
  out += HtmlEmailCardStart();
  out += "<tr><td style=\"padding:24px 24px 0 24px;" + std::string(kFont) +
         "color:" + kTextColor +
         ";\"><div style=\"font-size:13px;line-height:18px;color:" + kMutedColor +
         ";\">NPS report &middot; " + HtmlEscape(label) +
         "</div><h1 style=\"margin:4px 0 0 0;font-size:22px;line-height:30px;\">" + name +
         "</h1></td></tr>\n";
  out += "<tr><td style=\"padding:16px 24px 0 24px;" + std::string(kFont) +
         "color:" + kTextColor +
         ";\"><span style=\"font-size:44px;line-height:52px;"
         "font-weight:bold;\">" +
         HtmlEscape(NpsText(n)) +
         "</span> <span style=\"font-size:16px;color:" + kMutedColor + ";\">NPS " +
         HtmlEscape(MarginText(n)) +
         " at 95%</span><p style=\"margin:8px 0 0 0;"
         "font-size:15px;line-height:22px;\">" +
         HtmlEscape(ChangeSentence(r, in.frequency)) + "</p></td></tr>\n";
  out +=
      "<tr><td style=\"padding:16px 24px 0 24px;\">" + SplitBar(n) +
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "border=\"0\"><tr>" +
      BandFigure("Promoters", n.promoters, n.promoters_pct, ScoreBand::kPromoter) +
      BandFigure("Passives", n.passives, n.passives_pct, ScoreBand::kPassive) +
      BandFigure("Detractors", n.detractors, n.detractors_pct, ScoreBand::kDetractor) +
      Figure("Answers", std::to_string(n.answers)) + "</tr><tr>" +
      Figure("Response rate", Percent(r.current.response_rate)) +
      Figure("Comment rate", Percent(r.current.comment_rate)) +
      Figure("Invitations sent", std::to_string(r.current.invitations_sent)) +
      (r.current.review_clicks > 0
           ? Figure("Review clicks", std::to_string(r.current.review_clicks))
           : std::string("<td width=\"25%\"></td>")) +
      "</tr></table></td></tr>\n";
  if (r.current.reminders_sent > 0) {
    out +=
        "<tr><td style=\"padding:12px 24px 0 24px;color:#374151;font-size:14px;"
        "line-height:20px;\">" +
        HtmlEscape(ReminderSentence(r.current)) + "</td></tr>\n";
  }
  if (in.follow_ups) {
    out +=
        "<tr><td style=\"padding:12px 24px 0 24px;color:#374151;font-size:14px;"
        "line-height:20px;\">" +
        HtmlEscape(FollowUpSentence(*in.follow_ups)) + "</td></tr>\n";
  }
  out += Section("Scores", Distribution(r.current));
  if (!in.comments.empty()) out += Section("Recent comments", Comments(in.comments));
  if (!in.dashboard_url.empty()) {
    out += "<tr><td style=\"padding:16px 24px 0 24px;\">" +
           Button(in.dashboard_url,
                  in.brand_color.empty() ? std::string(kButtonColor) : in.brand_color) +
           "</td></tr>\n";
  }
  out += "<tr><td style=\"padding:24px;" + std::string(kFont) +
         "font-size:12px;line-height:18px;color:" + kMutedColor +
         ";\">You receive this report because your address is on the report list of " +
         name + ". Change the list or the cadence on the survey's dashboard.</td></tr>\n";
  out += HtmlEmailCardEnd();
  return out;
}

}  // namespace

std::string ReportPeriodLabel(ReportFrequency frequency, const TimeSpan &period) {
  if (frequency == ReportFrequency::kMonthly) return DayMonthYear(period.from, "%B %Y");
  return "the week of " + DayMonthYear(period.from, "%d %b %Y");
}

std::string ReportCommenterName(const ExportRow &row) {
  const std::string first = SanitizeHeaderText(row.first_name, 64);
  const std::string last = SanitizeHeaderText(row.last_name, 64);
  if (first.empty()) return "A customer";
  if (last.empty()) return first;
  size_t initial = 1;
  while (initial < last.size() &&
         (static_cast<unsigned char>(last[initial]) & 0xC0) == 0x80) {
    ++initial;
  }
  return first + " " + last.substr(0, initial) + ".";
}

ReportEmailBodies RenderReportBodies(const ReportEmailInput &in) {
  ReportEmailBodies out;
  const std::string label = ReportPeriodLabel(in.frequency, in.report.current.span);
  out.subject = SanitizeHeaderText(in.survey_name, 120) + ": NPS " +
                NpsText(in.report.current.nps) + " in " + label;
  out.text = RenderText(in, label);
  out.html = RenderHtml(in, label, out.subject);
  return out;
}

Result<std::string> RenderReportEmail(const ReportEmailInput &input,
                                      const ReportEnvelope &envelope) {
  const auto bodies = RenderReportBodies(input);
  return BuildNotificationEmail(envelope, bodies.subject, bodies.text, bodies.html);
}

}  // namespace callexa
