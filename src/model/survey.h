// A survey as every layer sees it: its settings, among them who is due an
// invitation (SurveyPolicy, which policy/eligibility.h applies) and the
// report email's frequency.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_SURVEY_H_
#define CALLEXA_MODEL_SURVEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callexa {

struct SurveyPolicy {
  int min_delay_days = 3;
  // 0: "survey repeatedly" (every identify, limited by the interval).
  // > 0 with a known createdAt: "survey new customers" at createdAt + min;
  // customers older than this many days are ignored.
  int max_delay_days = 0;
  int resurvey_interval_days = 182;  // 26 weeks
  bool automation = false;
  std::optional<int64_t> monthly_budget;  // invitations per calendar month
};

// How often a survey's report email goes out: never, after each ISO week
// (Monday 00:00 UTC), after each calendar month (UTC).
enum class ReportFrequency { kOff, kWeekly, kMonthly };

const char *ReportFrequencyName(ReportFrequency frequency);  // "off", "weekly", "monthly"
std::optional<ReportFrequency> ParseReportFrequency(std::string_view name);

// Which answers email an alert (alerts/alert_rule.h): none, 0-6, 0-8, any.
enum class AlertBands { kOff, kDetractors, kDetractorsAndPassives, kAll };

// "off", "detractors", "detractors_and_passives", "all".
const char *AlertBandsName(AlertBands bands);
std::optional<AlertBands> ParseAlertBands(std::string_view name);
// Whether an answer scored `score` (0-10) alerts under `bands`.
bool AlertsOnScore(AlertBands bands, int score);

struct AlertSettings {
  AlertBands on = AlertBands::kOff;
  std::vector<std::string> recipients;  // normalised addresses, at most 20
};

struct Survey {
  int64_t id = 0;
  std::string public_id;  // for public embeds; never a secret
  std::string api_key;    // the Segment destination / tracking API key
  std::string name;
  SurveyPolicy policy;
  std::string segment_write_key;  // empty: no sync-back
  // The owner's texts, questions and branding as a JSON object (see
  // survey/survey_content.h); validated before it is stored.
  std::string content_json = "{}";
  // Sites allowed to embed the approved testimonials ("https://acme.example");
  // empty: any site.
  std::vector<std::string> embed_origins;
  // Answers older than this many months are deleted by worker 0 (with their
  // testimonials); unset: kept until erased.
  std::optional<int> retention_months;
  // The report email (reports/report_mailer.h): how often, and to whom
  // (normalised addresses); off or no recipients: none is sent.
  ReportFrequency report_frequency = ReportFrequency::kOff;
  std::vector<std::string> report_recipients;
  // The alert email per settled answer (README "Alerts"); off or no
  // recipients: none is sent.
  AlertSettings alerts;
  // Where a customer's answer to a reply goes (Reply-To): an address, or
  // empty for the sender's own.
  std::string reply_to;
  // Days after the survey email's sending when a non-responder gets one
  // reminder (1 to 30, README "Reminders"); unset: no reminders.
  std::optional<int> reminder_after_days;
  // When survey emails and reminders may go out: the send window's JSON
  // (policy/send_window.h, validated before it is stored); empty: whenever
  // they are due.
  std::string send_window;
  // When the owner archived it (automation off, hidden from the list, data
  // kept); unset while active.
  std::optional<int64_t> archived_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

}  // namespace callexa

#endif  // CALLEXA_MODEL_SURVEY_H_
