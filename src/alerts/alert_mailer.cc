#include "alerts/alert_mailer.h"

#include <map>
#include <optional>

#include "alerts/alert_email.h"
#include "alerts/alert_rule.h"
#include "mail/retry_policy.h"
#include "survey/survey_content.h"

namespace callexa {
namespace {

using Kind = AlertMailEvent::Kind;

std::string Describe(const AlertClaim &c, const Survey *survey) {
  return "alert of answer " + std::to_string(c.invitation_id) + " (survey " +
         std::to_string(c.survey_id) + (survey ? ", " + survey->name : std::string()) +
         ")";
}

void Finish(AlertStore *alerts, const AlertMailOptions &options, const AlertClaim &c,
            AlertOutcome outcome, const std::string &error, int64_t retry_at, int64_t now,
            const std::string &label, AlertMailStepResult *out) {
  const Status s = alerts->FinishAlert(c.invitation_id, options.lease_owner, c.attempts,
                                       outcome, error, retry_at, now);
  if (!s.ok()) {
    out->events.push_back(
        {Kind::kFailed, label + ": could not record the outcome: " + s.ToLogString()});
  }
}

AlertEmailInput BuildInput(const AlertMailOptions &options, const Survey &survey,
                           const AlertClaim &c) {
  AlertEmailInput in;
  in.survey_name = survey.name;
  in.answer = c.answer.answer;
  in.answered_at = c.answer.answered_at;
  in.email = c.email;
  in.name = !c.name.empty()        ? c.name
            : c.last_name.empty()  ? c.first_name
            : c.first_name.empty() ? c.last_name
                                   : c.first_name + " " + c.last_name;
  in.user_id = c.user_id;
  in.traits = AlertKeyTraits(c.traits_json);
  const auto content = ParseSurveyContent(survey.content_json);
  std::map<std::string, std::string> questions;
  if (content.ok()) {
    in.language = content->email.language;
    in.brand_color = content->email.brand_color;
    for (const ExtraQuestion &q : content->page.questions) questions[q.id] = q.text;
  }
  for (const auto &[id, text] : c.answer.answer.extra_answers) {
    if (text.empty()) continue;
    const auto q = questions.find(id);
    in.extra_answers.emplace_back(q == questions.end() ? id : q->second, text);
  }
  if (!options.admin_url.empty()) {
    // The answer's thread in the inbox: where the owner acts on it, with
    // the customer one click away.
    in.answer_url = options.admin_url + "#/surveys/" + std::to_string(c.survey_id) +
                    "/inbox?item=" + std::to_string(c.invitation_id);
  }
  return in;
}

void SendAlert(AlertStore *alerts, MailTransport *transport,
               const AlertMailOptions &options, const Survey &survey, const AlertClaim &c,
               int64_t now, AlertMailStepResult *out) {
  const std::string label = Describe(c, &survey);
  const AlertEmailInput input = BuildInput(options, survey, c);
  int accepted = 0, temporary = 0;
  std::string errors;
  for (const std::string &recipient : survey.alerts.recipients) {
    AlertEnvelope envelope;
    envelope.sender = options.sender;
    envelope.recipient = recipient;
    envelope.date = now;
    // The same for every copy and attempt: a copy sent twice (a worker
    // killed between the server's acceptance and the record) reads as one.
    envelope.message_id_unique = "alert." + std::to_string(c.invitation_id);
    envelope.message_id_domain = options.message_id_domain;
    auto message = RenderAlertEmail(input, envelope);
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
    if (result.outcome == SendOutcome::kSent) {
      ++accepted;
      continue;
    }
    if (result.outcome == SendOutcome::kTemporaryFailure) ++temporary;
    errors += (errors.empty() ? "" : "; ") + recipient + ": " + result.detail;
  }
  if (accepted > 0) {
    out->events.push_back(
        {Kind::kSent, label + ": sent to " + std::to_string(accepted) +
                          (accepted == 1 ? " recipient" : " recipients") +
                          (errors.empty() ? "" : "; not to " + errors)});
    Finish(alerts, options, c, AlertOutcome::kSent, errors, 0, now, label, out);
    return;
  }
  const bool give_up = temporary == 0 || c.attempts >= kMaxDeliveryAttempts;
  out->events.push_back(
      {give_up ? Kind::kFailed : Kind::kRetry,
       label + ": " + errors +
           (give_up ? temporary == 0
                          ? "; refused for good"
                          : "; given up after " + std::to_string(c.attempts) + " attempts"
                    : "; trying again later")});
  Finish(alerts, options, c, give_up ? AlertOutcome::kFailed : AlertOutcome::kRetry,
         errors,
         now + RetryDelaySeconds(c.attempts, static_cast<uint64_t>(c.invitation_id)), now,
         label, out);
}

}  // namespace

AlertMailStepResult RunAlertMailStep(SurveyStore *surveys, AlertStore *alerts,
                                     MailTransport *transport,
                                     const AlertMailOptions &options, int64_t now,
                                     const std::function<bool()> &should_stop) {
  AlertMailStepResult out;
  auto claimed = alerts->ClaimSettledAlerts(options.lease_owner,
                                            AlertCutoffsAt(now, options.quiet_seconds),
                                            now, options.lease_seconds, options.batch);
  if (!claimed.ok()) {
    out.status = claimed.status();
    return out;
  }
  std::map<int64_t, std::optional<Survey>> loaded;
  for (const AlertClaim &c : *claimed) {
    if (should_stop()) {
      Finish(alerts, options, c, AlertOutcome::kRetry, "interrupted: nginx was exiting",
             now, now, Describe(c, nullptr), &out);
      continue;
    }
    auto it = loaded.find(c.survey_id);
    if (it == loaded.end()) {
      auto survey = surveys->GetSurvey(c.survey_id);
      if (!survey.ok() && survey.status().code() != Status::Code::kNotFound) {
        out.status = survey.status();
        Finish(alerts, options, c, AlertOutcome::kRetry, survey.status().ToLogString(),
               now, now, Describe(c, nullptr), &out);
        continue;
      }
      it = loaded
               .emplace(c.survey_id, survey.ok()
                                         ? std::optional<Survey>(std::move(*survey))
                                         : std::nullopt)
               .first;
    }
    const std::optional<Survey> &survey = it->second;
    // The settings and the answer as they are now decide, not as queued.
    // An archived survey is done with, so it mails no one, as its report
    // emails stop.
    if (!survey || survey->archived_at ||
        !AlertsOnScore(survey->alerts.on, c.answer.answer.score) ||
        survey->alerts.recipients.empty()) {
      out.events.push_back({Kind::kSkipped, Describe(c, survey ? &*survey : nullptr) +
                                                ": no longer alerts, not sent"});
      Finish(alerts, options, c, AlertOutcome::kSkipped, "", 0, now, Describe(c, nullptr),
             &out);
      continue;
    }
    SendAlert(alerts, transport, options, *survey, c, now, &out);
  }
  return out;
}

}  // namespace callexa
