#include "delivery/reply_runner.h"

#include <utility>

#include "mail/reply_email.h"
#include "mail/retry_policy.h"
#include "survey/survey_content.h"

namespace callexa {
namespace {

std::string RecipientName(const ReplyClaim &c) {
  if (!c.name.empty()) return c.name;
  if (c.first_name.empty() || c.last_name.empty()) return c.first_name + c.last_name;
  return c.first_name + " " + c.last_name;
}

Result<OutgoingMail> Render(const ReplyClaim &claim, const ReplyOptions &options,
                            int64_t now) {
  Result<SurveyContent> content = ParseSurveyContent(claim.survey_content_json);
  if (!content.ok()) return content.status();
  ReplyEmailInput in;
  in.sender_address = options.sender_address;
  in.sender_name = content->email.sender_name.empty() ? options.sender_name
                                                      : content->email.sender_name;
  in.reply_to = claim.reply_to;
  in.recipient_name = RecipientName(claim);
  in.recipient_email = claim.email;
  in.survey_subject = content->email.subject;
  in.text = claim.text;
  in.date_unix_seconds = now;
  in.message_id_unique = claim.message_id;
  in.survey_message_id_unique = claim.survey_message_id;
  in.message_id_domain = options.message_id_domain;
  Result<std::string> data = RenderReplyEmail(in);
  if (!data.ok()) return data.status();
  OutgoingMail mail;
  mail.envelope_from = options.sender_address;
  mail.recipient = claim.email;
  mail.message_id = claim.message_id + "@" + options.message_id_domain;
  mail.data = std::move(data.value());
  return mail;
}

// Sends one claimed reply; what became of it.
DeliveryRecord Attempt(const ReplyClaim &claim, MailTransport *transport,
                       const ReplyOptions &options, int64_t now) {
  DeliveryRecord r;
  r.invitation_id = claim.entry_id;
  r.attempt = claim.attempts;
  Result<OutgoingMail> mail = Render(claim, options, now);
  if (!mail.ok()) {
    r.outcome = DeliveryRecord::Outcome::kFailed;
    r.error = "cannot render the reply: " + mail.status().message();
    return r;
  }
  const SendResult sent = transport->Send(*mail);
  switch (sent.outcome) {
    case SendOutcome::kSent:
      r.outcome = DeliveryRecord::Outcome::kSent;
      break;
    case SendOutcome::kPermanentFailure:
      r.outcome = DeliveryRecord::Outcome::kBounced;
      r.error = sent.detail;
      break;
    case SendOutcome::kTemporaryFailure:
      if (claim.attempts >= kMaxDeliveryAttempts) {
        r.outcome = DeliveryRecord::Outcome::kFailed;
        r.error = "gave up after " + std::to_string(claim.attempts) +
                  " attempts: " + sent.detail;
      } else {
        r.outcome = DeliveryRecord::Outcome::kRetry;
        r.retry_at = now + RetryDelaySeconds(claim.attempts,
                                             static_cast<uint64_t>(claim.entry_id));
        r.error = sent.detail;
      }
      break;
  }
  return r;
}

}  // namespace

ReplyStepResult RunReplyStep(FollowUpStore *store, MailTransport *transport,
                             const ReplyOptions &options,
                             const std::function<int64_t()> &clock,
                             const std::function<bool()> &should_stop) {
  ReplyStepResult result;
  const int64_t started = clock();
  auto claims = store->ClaimDueReplies(started, options.batch_size, options.lease_seconds,
                                       options.lease_owner);
  if (!claims.ok()) {
    result.status = claims.status();
    return result;
  }
  result.claimed = static_cast<int>(claims->size());
  result.more = result.claimed == options.batch_size;
  for (const ReplyClaim &claim : *claims) {
    const int64_t now = clock();
    DeliveryRecord r;
    if (should_stop() || now - started >= options.lease_seconds / 2) {
      // Given back unspent, due again at once.
      r.invitation_id = claim.entry_id;
      r.attempt = claim.attempts;
      r.outcome = DeliveryRecord::Outcome::kRetry;
      r.retry_at = now;
      r.error = "not sent yet: the sending worker stopped";
    } else {
      r = Attempt(claim, transport, options, now);
      switch (r.outcome) {
        case DeliveryRecord::Outcome::kSent:
          ++result.sent;
          break;
        case DeliveryRecord::Outcome::kRetry:
          ++result.retried;
          result.problems.push_back("to retry: " + r.error);
          break;
        case DeliveryRecord::Outcome::kFailed:
        case DeliveryRecord::Outcome::kBounced:
          ++result.failed;
          result.problems.push_back("failed: " + r.error);
          break;
      }
    }
    // Recorded at once: a worker killed later resends only what was on
    // the wire.
    Status s = store->RecordReplies({r}, clock(), options.lease_owner);
    if (!s.ok()) result.status = s;
  }
  return result;
}

}  // namespace callexa
