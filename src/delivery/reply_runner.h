// The periodic step that sends the owner's replies to customers: leases
// due replies (store/follow_up_store.h), renders them threaded under the
// survey email (mail/reply_email.h), sends them through the survey emails'
// transport and records each outcome with the survey emails' retry rules.
// Blocks: run it on the jobs pool.
#ifndef CALLEXA_DELIVERY_REPLY_RUNNER_H_
#define CALLEXA_DELIVERY_REPLY_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mail/mail_transport.h"
#include "store/follow_up_store.h"

namespace callexa {

struct ReplyOptions {
  std::string sender_address;     // callexa_mail_from's address
  std::string sender_name;        // its display name; a survey's own wins
  std::string message_id_domain;  // as the survey emails'
  std::string lease_owner;
  int batch_size = 20;
  int64_t lease_seconds = 600;
};

struct ReplyStepResult {
  Status status;  // a store error
  int claimed = 0, sent = 0, retried = 0, failed = 0;
  bool more = false;
  std::vector<std::string> problems;  // why replies were not sent, for the log
};

ReplyStepResult RunReplyStep(FollowUpStore *store, MailTransport *transport,
                             const ReplyOptions &options,
                             const std::function<int64_t()> &clock,
                             const std::function<bool()> &should_stop);

}  // namespace callexa

#endif  // CALLEXA_DELIVERY_REPLY_RUNNER_H_
