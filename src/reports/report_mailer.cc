#include "reports/report_mailer.h"

#include <algorithm>

#include "common/secrets.h"
#include "mail/retry_policy.h"
#include "reports/report.h"
#include "reports/report_email.h"
#include "reports/report_schedule.h"
#include "survey/survey_content.h"

namespace callexa {
namespace {

using Kind = ReportMailEvent::Kind;

// A store failure before anything was sent: try again at the next poll.
constexpr int64_t kStoreRetrySeconds = 60;
// Retries end within two days, so only the latest few runs can be unfinished.
constexpr int kUnfinishedRunsLooked = 4;

struct SurveyRun {
  const Survey &survey;
  const ReportRun &run;
  std::string label;  // "survey 3 (Acme), the week of 23 Nov 2026"
};

std::string Describe(const Survey &survey, const TimeSpan &period) {
  return "survey " + std::to_string(survey.id) + " (" + survey.name + "), " +
         ReportPeriodLabel(survey.report_frequency, period);
}

// Ends the run; a lost lease or a store error becomes an event.
void Finish(ReportRunStore *runs, const ReportMailOptions &options, const SurveyRun &r,
            ReportRunStatus status, const std::string &error, int64_t retry_at,
            int64_t now, ReportMailStepResult *out) {
  const Status s = runs->FinishReportRun(
      r.survey.id, r.run.period.from, options.lease_owner, status, error, retry_at, now);
  if (!s.ok()) {
    out->events.push_back(
        {Kind::kFailed,
         r.label + ": could not record the report run: " + s.ToLogString()});
  }
}

// The report's content, or why it could not be built.
Result<ReportEmailInput> BuildInput(ReportStore *reports,
                                    const ReportMailOptions &options,
                                    const Survey &survey, const TimeSpan &period) {
  const auto content = ParseSurveyContent(survey.content_json);
  ReportFilter filter;
  filter.survey_id = survey.id;
  auto report =
      RunNpsReport(reports, filter, period, ReportTrendInterval(survey.report_frequency),
                   content.ok() ? content->page.tags : std::vector<std::string>{});
  if (!report.ok()) return report.status();
  ReportEmailInput input;
  input.survey_name = survey.name;
  input.frequency = survey.report_frequency;
  input.report = std::move(report.value());
  if (input.report.current.nps.answers == 0) return input;
  auto comments = reports->LatestComments(filter, period, kReportComments);
  if (!comments.ok()) return comments.status();
  input.comments = std::move(comments.value());
  if (!options.admin_url.empty()) {
    input.dashboard_url =
        options.admin_url + "#/surveys/" + std::to_string(survey.id) + "/dashboard";
  }
  if (content.ok()) input.brand_color = content->email.brand_color;
  if (options.follow_ups != nullptr) {
    auto follow_ups =
        options.follow_ups->SummarizeFollowUps(survey.id, period.from, period.to);
    if (!follow_ups.ok()) return follow_ups.status();
    input.follow_ups = *follow_ups;
  }
  return input;
}

// Sends the run's report to each recipient it has not handled yet.
void SendRun(ReportStore *reports, ReportRunStore *runs, MailTransport *transport,
             const ReportMailOptions &options, const SurveyRun &r, int64_t now,
             const std::function<bool()> &should_stop, ReportMailStepResult *out) {
  auto input = BuildInput(reports, options, r.survey, r.run.period);
  if (!input.ok()) {
    out->events.push_back({Kind::kFailed, r.label + ": the report could not be built: " +
                                              input.status().ToLogString() +
                                              "; trying again in a minute"});
    Finish(runs, options, r, ReportRunStatus::kRetry, input.status().ToLogString(),
           now + kStoreRetrySeconds, now, out);
    return;
  }
  if (input->report.current.nps.answers == 0) {
    out->events.push_back({Kind::kSkipped, r.label + ": no answers, no report sent"});
    Finish(runs, options, r, ReportRunStatus::kSkipped, "", 0, now, out);
    return;
  }
  int sent = 0;
  std::string bounces;
  for (const std::string &recipient : r.survey.report_recipients) {
    const auto &handled = r.run.handled;
    if (std::find(handled.begin(), handled.end(), recipient) != handled.end()) continue;
    if (should_stop()) {
      Finish(runs, options, r, ReportRunStatus::kRetry, "interrupted: nginx was exiting",
             now, now, out);
      return;
    }
    ReportEnvelope envelope;
    envelope.sender = options.sender;
    envelope.recipient = recipient;
    envelope.date = now;
    envelope.message_id_unique = "report." + RandomHex(12);
    envelope.message_id_domain = options.message_id_domain;
    auto message = RenderReportEmail(*input, envelope);
    SendResult result;
    if (message.ok()) {
      result =
          transport->Send({options.sender.address, recipient,
                           envelope.message_id_unique + "@" + envelope.message_id_domain,
                           std::move(message.value())});
    } else {
      result.outcome = SendOutcome::kPermanentFailure;
      result.detail = message.status().ToLogString();
    }
    if (result.outcome == SendOutcome::kTemporaryFailure) {
      const int attempts = r.run.attempts + 1;
      const bool give_up = attempts >= kMaxDeliveryAttempts;
      const std::string cause = recipient + ": " + result.detail;
      out->events.push_back(
          {give_up ? Kind::kFailed : Kind::kRetry,
           r.label + ": " + std::to_string(sent) + " sent, then " + cause +
               (give_up ? "; given up after " + std::to_string(attempts) + " attempts"
                        : "; the rest goes on the next attempt")});
      Finish(runs, options, r,
             give_up ? ReportRunStatus::kFailed : ReportRunStatus::kRetry, cause,
             now + RetryDelaySeconds(attempts, static_cast<uint64_t>(r.survey.id)), now,
             out);
      return;
    }
    if (result.outcome == SendOutcome::kPermanentFailure) {
      out->events.push_back({Kind::kBounced, r.label + ": the report to " + recipient +
                                                 " was refused: " + result.detail});
      bounces += (bounces.empty() ? "" : "; ") + recipient + ": " + result.detail;
    } else {
      ++sent;
      ++out->emails_sent;
    }
    const Status recorded = runs->RecordReportRecipient(r.survey.id, r.run.period.from,
                                                        options.lease_owner, recipient);
    if (!recorded.ok()) {
      // Another worker owns the run now (or the store failed): it goes on.
      out->events.push_back({Kind::kFailed, r.label + ": stopped after " + recipient +
                                                ": " + recorded.ToLogString()});
      return;
    }
  }
  out->events.push_back({Kind::kSent, r.label + ": report sent to " +
                                          std::to_string(sent) +
                                          (sent == 1 ? " recipient" : " recipients")});
  Finish(runs, options, r, ReportRunStatus::kSent, bounces, 0, now, out);
}

// The unfinished runs of earlier periods (a retry may outlast its
// period), oldest first, then the last completed period.
Result<std::vector<TimeSpan>> PeriodsToRun(ReportRunStore *runs, const Survey &survey,
                                           int64_t now) {
  const TimeSpan last = LastCompletedReportPeriod(survey.report_frequency, now);
  auto recent = runs->ListReportRuns(survey.id, kUnfinishedRunsLooked);
  if (!recent.ok()) return recent.status();
  std::vector<TimeSpan> periods;
  for (auto it = recent->rbegin(); it != recent->rend(); ++it) {
    const bool unfinished =
        it->status == ReportRunStatus::kDue || it->status == ReportRunStatus::kRetry;
    if (unfinished && it->period.from < last.from) periods.push_back(it->period);
  }
  periods.push_back(last);
  return periods;
}

}  // namespace

ReportMailStepResult RunReportMailStep(SurveyStore *surveys, ReportStore *reports,
                                       ReportRunStore *runs, MailTransport *transport,
                                       const ReportMailOptions &options, int64_t now,
                                       const std::function<bool()> &should_stop) {
  ReportMailStepResult out;
  auto all = surveys->ListSurveys();
  if (!all.ok()) {
    out.status = all.status();
    return out;
  }
  for (const Survey &survey : *all) {
    // An archived survey's reports stay readable in the admin, not mailed.
    if (survey.report_frequency == ReportFrequency::kOff ||
        survey.report_recipients.empty() || survey.archived_at) {
      continue;
    }
    if (should_stop()) break;
    auto periods = PeriodsToRun(runs, survey, now);
    if (!periods.ok()) {
      out.status = periods.status();
      return out;
    }
    for (const TimeSpan &period : *periods) {
      auto claimed = runs->ClaimReportRun(survey.id, period, options.lease_owner, now,
                                          options.lease_seconds);
      if (!claimed.ok()) {
        out.status = claimed.status();
        return out;
      }
      if (!claimed->has_value()) continue;
      const SurveyRun r{survey, **claimed, Describe(survey, period)};
      SendRun(reports, runs, transport, options, r, now, should_stop, &out);
    }
  }
  return out;
}

}  // namespace callexa
