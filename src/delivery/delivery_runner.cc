#include "delivery/delivery_runner.h"

#include <exception>
#include <map>
#include <utility>
#include <vector>

#include "mail/mime_encoding.h"
#include "mail/retry_policy.h"
#include "mail/survey_email.h"
#include "survey/survey_content.h"
#include "survey/survey_links.h"

namespace callexa {
namespace {

// The email template of a survey, with the installation's sender filled in.
Result<SurveyEmailContent> EmailContentOf(const Survey &survey,
                                          const DeliveryOptions &options) {
  Result<SurveyContent> content = ParseSurveyContent(survey.content_json);
  if (!content.ok()) return content.status();
  SurveyEmailContent email = content.value().email;
  email.sender_address = options.sender_address;
  if (email.sender_name.empty()) email.sender_name = options.sender_name;
  return email;
}

std::string RecipientName(const DeliveryClaim &c) {
  if (!c.name.empty()) return c.name;
  if (c.first_name.empty() || c.last_name.empty()) return c.first_name + c.last_name;
  return c.first_name + " " + c.last_name;
}

Result<OutgoingMail> Render(const DeliveryClaim &claim, const SurveyEmailContent &content,
                            const DeliveryOptions &options, const std::string &secret,
                            int64_t now) {
  SurveyEmailInput input;
  input.recipient.email = claim.email;
  input.recipient.name = RecipientName(claim);
  input.recipient.first_name = claim.first_name;
  input.links =
      MakeSurveyLinks(options.survey_base_url, claim.invitation_id, secret, now);
  input.date_unix_seconds = now;
  input.message_id_unique = claim.message_id;
  input.message_id_domain = options.message_id_domain;
  Result<std::string> data = RenderSurveyEmail(content, input);
  if (!data.ok()) return data.status();
  OutgoingMail mail;
  mail.envelope_from = options.sender_address;
  mail.recipient = claim.email;
  mail.message_id = claim.message_id + "@" + options.message_id_domain;
  mail.data = std::move(data.value());
  return mail;
}

DeliveryRecord Retry(int64_t invitation_id, int attempts, int64_t now,
                     std::string error) {
  DeliveryRecord r;
  r.invitation_id = invitation_id;
  if (attempts >= kMaxDeliveryAttempts) {
    r.outcome = DeliveryRecord::Outcome::kFailed;
    r.error = "gave up after " + std::to_string(attempts) + " attempts: " + error;
  } else {
    r.outcome = DeliveryRecord::Outcome::kRetry;
    r.retry_at = now + RetryDelaySeconds(attempts, static_cast<uint64_t>(invitation_id));
    r.error = std::move(error);
  }
  return r;
}

// Sends what `claims` hold and records each outcome; what is still to be
// recorded (given back, skipped, or not recorded yet) goes to `records`.
void SendAll(const std::vector<DeliveryClaim> &claims, Store *store,
             MailTransport *transport, const DeliveryOptions &options,
             const std::string &secret, const std::function<int64_t()> &clock,
             const std::function<bool()> &should_stop, int64_t started,
             std::vector<DeliveryRecord> *records, DeliveryStepResult *result) {
  std::map<int64_t, Result<SurveyEmailContent>> contents;  // by survey id
  std::string unreachable;  // set once the server cannot be reached
  for (const DeliveryClaim &claim : claims) {
    const int64_t now = clock();
    DeliveryRecord record;
    record.invitation_id = claim.invitation_id;
    if (should_stop() || now - started >= options.lease_seconds / 2) {
      // Give it back unspent: due again at once, for whoever runs next.
      record.outcome = DeliveryRecord::Outcome::kRetry;
      record.retry_at = now;
      record.error = "not sent yet: the sending worker stopped";
      ++result->released;
      records->push_back(std::move(record));
      continue;
    }
    if (!unreachable.empty()) {
      records->push_back(Retry(claim.invitation_id, claim.attempts, now, unreachable));
      ++result->retried;
      continue;
    }
    auto content = contents.find(claim.survey_id);
    if (content == contents.end()) {
      Result<Survey> survey = store->GetSurvey(claim.survey_id);
      content = contents
                    .emplace(claim.survey_id,
                             survey.ok() ? EmailContentOf(survey.value(), options)
                                         : Result<SurveyEmailContent>(survey.status()))
                    .first;
    }
    Result<OutgoingMail> mail =
        content->second.ok()
            ? Render(claim, content->second.value(), options, secret, now)
            : Result<OutgoingMail>(content->second.status());
    if (!mail.ok()) {
      // Bad settings or a bad address: sending again cannot help.
      record.outcome = DeliveryRecord::Outcome::kFailed;
      record.error = "cannot render the email: " + mail.status().message();
      ++result->failed;
      records->push_back(std::move(record));
      continue;
    }
    const SendResult sent = transport->Send(mail.value());
    switch (sent.outcome) {
      case SendOutcome::kSent:
        record.outcome = DeliveryRecord::Outcome::kSent;
        ++result->sent;
        break;
      case SendOutcome::kPermanentFailure:
        record.outcome = DeliveryRecord::Outcome::kBounced;
        record.error = sent.detail;
        ++result->bounced;
        break;
      case SendOutcome::kTemporaryFailure:
        if (sent.smtp_code == 0) unreachable = sent.detail;
        record = Retry(claim.invitation_id, claim.attempts, now, sent.detail);
        if (record.outcome == DeliveryRecord::Outcome::kFailed) {
          ++result->failed;
        } else {
          ++result->retried;
        }
        break;
    }
    // Recorded at once, not with the rest of the step: a worker killed
    // later in the step then sends again only the message that was on the
    // wire. If this commit fails, the end of the step tries again.
    if (!store->RecordDeliveries({record}, clock(), options.lease_owner).ok()) {
      records->push_back(std::move(record));
    }
  }
}

}  // namespace

DeliveryStepResult RunDeliveryStep(Store *store, MailTransport *transport,
                                   const DeliveryOptions &options,
                                   const std::function<int64_t()> &clock,
                                   const std::function<bool()> &should_stop) {
  DeliveryStepResult result;
  try {
    Result<std::string> secret = store->TokenSecret();
    if (!secret.ok()) {
      result.status = secret.status();
      return result;
    }
    const int64_t started = clock();
    Result<std::vector<DeliveryClaim>> claims = store->ClaimDueInvitations(
        started, options.batch_size, options.lease_seconds, options.lease_owner);
    if (!claims.ok()) {
      result.status = claims.status();
      return result;
    }
    result.claimed = static_cast<int>(claims.value().size());
    result.more = result.claimed >= options.batch_size;
    std::vector<DeliveryRecord> records;
    records.reserve(claims.value().size());
    SendAll(claims.value(), store, transport, options, secret.value(), clock, should_stop,
            started, &records, &result);
    result.status = store->RecordDeliveries(records, clock(), options.lease_owner);
    if (result.released > 0) result.more = false;
  } catch (const std::exception &e) {
    // Unrecorded claims come back when their lease expires.
    result.status = Status::IOError(std::string("delivery step failed: ") + e.what());
  } catch (...) {
    result.status = Status::IOError("delivery step failed");
  }
  return result;
}

}  // namespace callexa
