#include "delivery/reminder_runner.h"

#include <exception>
#include <utility>

#include "mail/retry_policy.h"
#include "mail/survey_email.h"
#include "survey/survey_content.h"
#include "survey/survey_links.h"

namespace callexa {
namespace {

std::string RecipientName(const ReminderClaim &c) {
  if (!c.name.empty()) return c.name;
  if (c.first_name.empty() || c.last_name.empty()) return c.first_name + c.last_name;
  return c.first_name + " " + c.last_name;
}

ReminderRecord Record(const ReminderClaim &claim, ReminderRecord::Outcome outcome,
                      std::string error) {
  ReminderRecord r;
  r.invitation_id = claim.invitation_id;
  r.attempt = claim.attempts;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

// A temporary failure: the survey emails' retry rules (mail/retry_policy.h).
ReminderRecord Retry(const ReminderClaim &claim, int64_t now, std::string error) {
  if (claim.attempts >= kMaxDeliveryAttempts) {
    return Record(
        claim, ReminderRecord::Outcome::kFailed,
        "gave up after " + std::to_string(claim.attempts) + " attempts: " + error);
  }
  ReminderRecord r = Record(claim, ReminderRecord::Outcome::kRetry, std::move(error));
  r.retry_at =
      now + RetryDelaySeconds(claim.attempts, static_cast<uint64_t>(claim.invitation_id));
  return r;
}

// Given back unspent, due again at once for whoever runs next.
ReminderRecord Release(const ReminderClaim &claim, int64_t now, std::string why) {
  ReminderRecord r = Record(claim, ReminderRecord::Outcome::kRetry, std::move(why));
  r.retry_at = now;
  return r;
}

DeliveryRecord::Outcome ProblemOutcome(ReminderRecord::Outcome o) {
  return o == ReminderRecord::Outcome::kRetry     ? DeliveryRecord::Outcome::kRetry
         : o == ReminderRecord::Outcome::kBounced ? DeliveryRecord::Outcome::kBounced
                                                  : DeliveryRecord::Outcome::kFailed;
}

}  // namespace

Result<OutgoingMail> RenderReminder(const ReminderClaim &claim,
                                    const DeliveryOptions &options,
                                    const std::string &secret, int64_t now) {
  Result<SurveyContent> content = ParseSurveyContent(claim.survey_content_json);
  if (!content.ok()) return content.status();
  SurveyEmailContent email = ReminderContent(content.value().email);
  email.sender_address = options.sender_address;
  if (email.sender_name.empty()) email.sender_name = options.sender_name;
  SurveyEmailInput input;
  input.recipient.email = claim.email;
  input.recipient.name = RecipientName(claim);
  input.recipient.first_name = claim.first_name;
  // The very links of the survey email: an answer through either is the
  // same invitation's, and they expire when those do.
  input.links = MakeSurveyLinks(options.survey_base_url, claim.invitation_id, secret,
                                claim.survey_sent_at);
  input.date_unix_seconds = now;
  input.message_id_unique = claim.message_id;
  input.message_id_domain = options.message_id_domain;
  input.in_reply_to_unique = claim.survey_message_id;
  Result<std::string> data = RenderSurveyEmail(email, input);
  if (!data.ok()) return data.status();
  OutgoingMail mail;
  mail.envelope_from = options.sender_address;
  mail.recipient = claim.email;
  mail.message_id = claim.message_id + "@" + options.message_id_domain;
  mail.data = std::move(data.value());
  return mail;
}

ReminderStepResult RunReminderStep(ReminderStore *store, MailTransport *transport,
                                   const DeliveryOptions &options,
                                   const DeliveryClock &clock,
                                   const std::function<bool()> &should_stop) {
  ReminderStepResult result;
  try {
    Result<std::string> secret = store->TokenSecret();
    if (!secret.ok()) {
      result.status = secret.status();
      return result;
    }
    const int64_t started = clock();
    Result<std::vector<ReminderClaim>> claims = store->ClaimDueReminders(
        started, options.batch_size, options.lease_seconds, options.lease_owner);
    if (!claims.ok()) {
      result.status = claims.status();
      return result;
    }
    result.claimed = static_cast<int>(claims.value().size());
    result.more = result.claimed >= options.batch_size;
    std::string unreachable;  // set once the server cannot be reached
    std::vector<ReminderRecord> unrecorded;
    for (const ReminderClaim &claim : claims.value()) {
      const int64_t now = clock();
      ReminderRecord record;
      if (should_stop() || now - started >= options.lease_seconds / 2) {
        record = Release(claim, now, "not sent yet: the sending worker stopped");
        ++result.released;
      } else if (!unreachable.empty()) {
        record = Retry(claim, now, unreachable);
      } else {
        // The last look: an answer (or an unsubscribe) committed since the
        // claim stops it here. One committed after this look, while the
        // message is on the wire, cannot be stopped; it then counts as an
        // answer after the reminder only if it came after sent_at.
        const Result<ReminderDecision> check =
            store->CheckReminder(claim.invitation_id, now);
        if (!check.ok()) {
          record = Release(claim, now, "not sent yet: " + check.status().message());
          ++result.released;
        } else if (check.value().kind == ReminderDecision::Kind::kSkip) {
          record = Record(claim, ReminderRecord::Outcome::kSkipped, check.value().reason);
          ++result.skipped;
        } else if (check.value().kind == ReminderDecision::Kind::kNotDue) {
          record = Release(claim, now, "not sent yet: " + check.value().reason);
          ++result.released;
        } else {
          Result<OutgoingMail> mail = RenderReminder(claim, options, secret.value(), now);
          if (!mail.ok()) {
            // Bad settings or a bad address: sending again cannot help.
            record = Record(claim, ReminderRecord::Outcome::kFailed,
                            "cannot render the reminder: " + mail.status().message());
          } else {
            const SendResult sent = transport->Send(mail.value());
            if (sent.outcome == SendOutcome::kSent) {
              record = Record(claim, ReminderRecord::Outcome::kSent, "");
            } else if (sent.outcome == SendOutcome::kPermanentFailure) {
              record = Record(claim, ReminderRecord::Outcome::kBounced, sent.detail);
            } else {
              if (sent.smtp_code == 0) unreachable = sent.detail;
              record = Retry(claim, now, sent.detail);
            }
          }
        }
      }
      switch (record.outcome) {
        case ReminderRecord::Outcome::kSent:
          ++result.sent;
          break;
        case ReminderRecord::Outcome::kRetry:
          if (record.retry_at > now) ++result.retried;
          break;
        case ReminderRecord::Outcome::kBounced:
          ++result.bounced;
          break;
        case ReminderRecord::Outcome::kFailed:
          ++result.failed;
          break;
        case ReminderRecord::Outcome::kSkipped:
          break;
      }
      const bool problem =
          record.outcome == ReminderRecord::Outcome::kBounced ||
          record.outcome == ReminderRecord::Outcome::kFailed ||
          (record.outcome == ReminderRecord::Outcome::kRetry && record.retry_at > now);
      if (problem)
        result.problems.push_back({ProblemOutcome(record.outcome), record.error});
      // Recorded at once, as survey emails are: a worker killed later in
      // the step then sends again only the message that was on the wire.
      if (!store->RecordReminders({record}, clock(), options.lease_owner).ok()) {
        unrecorded.push_back(std::move(record));
      }
    }
    result.status = store->RecordReminders(unrecorded, clock(), options.lease_owner);
    if (result.released > 0) result.more = false;
  } catch (const std::exception &e) {
    // Unrecorded claims come back when their lease expires.
    result.status = Status::IOError("reminder step failed", e.what());
  } catch (...) {
    result.status = Status::IOError("reminder step failed");
  }
  return result;
}

}  // namespace callexa
