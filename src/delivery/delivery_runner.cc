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

// The email template of a claim's survey, with the installation's sender
// filled in.
Result<SurveyEmailContent> EmailContentOf(const DeliveryClaim &claim,
                                          const DeliveryOptions &options) {
  Result<SurveyContent> content = ParseSurveyContent(claim.survey_content_json);
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
  r.attempt = attempts;
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

// One step's sending: each claimed invitation rendered, sent and recorded
// in turn. What is still to be recorded at the end (given back, skipped,
// or not recorded yet) collects in records_.
class StepSender {
 public:
  StepSender(DeliveryStore *store, MailTransport *transport,
             const DeliveryOptions &options, std::string secret,
             const DeliveryClock &clock, const std::function<bool()> &should_stop,
             DeliveryStepResult *result)
      : store_(store),
        transport_(transport),
        options_(options),
        secret_(std::move(secret)),
        clock_(clock),
        should_stop_(should_stop),
        started_(clock()),
        result_(result) {}

  int64_t started() const { return started_; }
  std::vector<DeliveryRecord> &records() { return records_; }

  void Send(const DeliveryClaim &claim);

 private:
  const Result<SurveyEmailContent> &ContentOf(const DeliveryClaim &claim);
  DeliveryRecord Attempt(const DeliveryClaim &claim, int64_t now);

  DeliveryStore *store_;
  MailTransport *transport_;
  const DeliveryOptions &options_;
  const std::string secret_;
  const DeliveryClock &clock_;
  const std::function<bool()> &should_stop_;
  const int64_t started_;
  DeliveryStepResult *result_;
  std::map<int64_t, Result<SurveyEmailContent>> contents_;  // by survey id
  std::string unreachable_;  // set once the server cannot be reached
  std::vector<DeliveryRecord> records_;
};

const Result<SurveyEmailContent> &StepSender::ContentOf(const DeliveryClaim &claim) {
  auto content = contents_.find(claim.survey_id);
  if (content == contents_.end()) {
    content = contents_.emplace(claim.survey_id, EmailContentOf(claim, options_)).first;
  }
  return content->second;
}

void StepSender::Send(const DeliveryClaim &claim) {
  const int64_t now = clock_();
  if (should_stop_() || now - started_ >= options_.lease_seconds / 2) {
    // Give it back unspent: due again at once, for whoever runs next.
    DeliveryRecord record;
    record.invitation_id = claim.invitation_id;
    record.attempt = claim.attempts;
    record.outcome = DeliveryRecord::Outcome::kRetry;
    record.retry_at = now;
    record.error = "not sent yet: the sending worker stopped";
    ++result_->released;
    records_.push_back(std::move(record));
    return;
  }
  if (!unreachable_.empty()) {
    records_.push_back(Retry(claim.invitation_id, claim.attempts, now, unreachable_));
    result_->problems.push_back({records_.back().outcome, unreachable_});
    ++result_->retried;
    return;
  }
  DeliveryRecord record = Attempt(claim, now);
  if (record.outcome != DeliveryRecord::Outcome::kSent) {
    result_->problems.push_back({record.outcome, record.error});
  }
  // Recorded at once, not with the rest of the step: a worker killed
  // later in the step then sends again only the message that was on the
  // wire. If this commit fails, the end of the step tries again.
  if (!store_->RecordDeliveries({record}, clock_(), options_.lease_owner).ok()) {
    records_.push_back(std::move(record));
  }
}

// Renders and sends one claimed invitation; what became of it.
DeliveryRecord StepSender::Attempt(const DeliveryClaim &claim, int64_t now) {
  DeliveryRecord record;
  record.invitation_id = claim.invitation_id;
  record.attempt = claim.attempts;
  const Result<SurveyEmailContent> &content = ContentOf(claim);
  Result<OutgoingMail> mail = content.ok()
                                  ? Render(claim, content.value(), options_, secret_, now)
                                  : Result<OutgoingMail>(content.status());
  if (!mail.ok()) {
    // Bad settings or a bad address: sending again cannot help.
    record.outcome = DeliveryRecord::Outcome::kFailed;
    record.error = "cannot render the email: " + mail.status().message();
    ++result_->failed;
    return record;
  }
  const SendResult sent = transport_->Send(mail.value());
  switch (sent.outcome) {
    case SendOutcome::kSent:
      record.outcome = DeliveryRecord::Outcome::kSent;
      ++result_->sent;
      break;
    case SendOutcome::kPermanentFailure:
      record.outcome = DeliveryRecord::Outcome::kBounced;
      record.error = sent.detail;
      ++result_->bounced;
      break;
    case SendOutcome::kTemporaryFailure:
      if (sent.smtp_code == 0) unreachable_ = sent.detail;
      record = Retry(claim.invitation_id, claim.attempts, now, sent.detail);
      if (record.outcome == DeliveryRecord::Outcome::kFailed) {
        ++result_->failed;
      } else {
        ++result_->retried;
      }
      break;
  }
  return record;
}

}  // namespace

DeliveryStepResult RunDeliveryStep(DeliveryStore *store, MailTransport *transport,
                                   const DeliveryOptions &options,
                                   const DeliveryClock &clock,
                                   const std::function<bool()> &should_stop) {
  DeliveryStepResult result;
  try {
    Result<std::string> secret = store->TokenSecret();
    if (!secret.ok()) {
      result.status = secret.status();
      return result;
    }
    StepSender sender(store, transport, options, std::move(secret.value()), clock,
                      should_stop, &result);
    Result<std::vector<DeliveryClaim>> claims = store->ClaimDueInvitations(
        sender.started(), options.batch_size, options.lease_seconds, options.lease_owner);
    if (!claims.ok()) {
      result.status = claims.status();
      return result;
    }
    result.more = static_cast<int>(claims.value().size()) >= options.batch_size;
    for (const DeliveryClaim &claim : claims.value()) {
      if (claim.deferred_until) {
        ++result.deferred;  // the store has put it back already
        continue;
      }
      ++result.claimed;
      sender.Send(claim);
    }
    result.status =
        store->RecordDeliveries(sender.records(), clock(), options.lease_owner);
    if (result.released > 0) result.more = false;
  } catch (const std::exception &e) {
    // Unrecorded claims come back when their lease expires.
    result.status = Status::IOError("delivery step failed", e.what());
  } catch (...) {
    result.status = Status::IOError("delivery step failed");
  }
  return result;
}

}  // namespace callexa
