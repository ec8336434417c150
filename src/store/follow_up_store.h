// The follow-up inbox: what the owner does about an answer. An answer may
// carry one follow-up (open or closed, an assignee) and a thread of
// entries: notes, status and assignee changes, and replies emailed to the
// customer. Replies leave through an outbox leased like invitations
// (store/delivery_store.h), with the survey emails' retry rules.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_FOLLOW_UP_STORE_H_
#define CALLEXA_STORE_FOLLOW_UP_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/answer.h"
#include "model/delivery.h"

namespace callexa {

struct FollowUp {
  int64_t invitation_id = 0;
  int64_t survey_id = 0;
  std::string status;  // "open" | "closed"
  std::string assignee;
  int64_t opened_at = 0;
  std::string opened_by;  // the admin user; "" when an alert opened it
  std::optional<int64_t> closed_at;
  int64_t updated_at = 0;
};

struct FollowUpEntry {
  int64_t id = 0;
  int64_t invitation_id = 0;
  std::string kind;   // "note" | "reply" | "status" | "assignee"
  std::string actor;  // the admin user nginx authenticated; "" when unknown
  std::string text;   // the note or reply; the new status or assignee
  int64_t created_at = 0;
  // Replies only: "pending" | "sent" | "retry" | "failed"; "" otherwise.
  std::string mail_status;
  int attempts = 0;
  std::optional<int64_t> next_attempt_at;
  std::string last_error;
  std::optional<int64_t> sent_at;
};

// One follow-up with its answer and customer, as the inbox lists it.
struct FollowUpItem {
  FollowUp follow_up;
  int64_t customer_id = 0;
  std::string email, first_name, last_name, name;
  StoredAnswer answer;
};

struct FollowUpQuery {
  int64_t survey_id = 0;
  std::string status;  // "open", "closed", or "" for both
  int limit = 100;
  int offset = 0;
};

// What a PATCH changes; each unset member stays as it is.
struct FollowUpChange {
  std::optional<std::string> status;    // "open" | "closed"
  std::optional<std::string> assignee;  // "" unassigns
  std::string actor;
};

struct FollowUpSummary {
  int64_t open = 0;
  int64_t closed_in_period = 0;
  // Median of closed_at - opened_at over the follow-ups closed in the
  // period; unset when none was.
  std::optional<int64_t> median_seconds_to_close;
};

// A reply leased for sending by ClaimDueReplies.
struct ReplyClaim {
  int64_t entry_id = 0;
  int64_t invitation_id = 0;
  int64_t survey_id = 0;
  int attempts = 0;        // including this one
  std::string message_id;  // the reply's unique part, the same on every attempt
  std::string text;
  std::string email, first_name, last_name, name;
  std::string survey_message_id;    // the survey email's unique part
  std::string survey_content_json;  // its subject and sender
  std::string reply_to;             // surveys.reply_to; "" for none
};

class FollowUpStore {
 public:
  virtual ~FollowUpStore() = default;

  // Opens the answer's follow-up (by `change.actor`) unless it has one,
  // then applies the change, recording each change as an entry. NotFound
  // unless `invitation_id` is an answered invitation of `survey_id`.
  virtual Result<FollowUp> UpdateFollowUp(int64_t survey_id, int64_t invitation_id,
                                          const FollowUpChange &change, int64_t now) = 0;
  // A note in the thread; opens the follow-up as UpdateFollowUp does.
  virtual Result<FollowUpEntry> AddFollowUpNote(int64_t survey_id, int64_t invitation_id,
                                                const std::string &actor,
                                                const std::string &text, int64_t now) = 0;
  // Queues a reply to the customer (mail_status "pending", due now);
  // opens the follow-up as UpdateFollowUp does. Conflict, with
  // the reason, when the address is suppressed (unsubscribed, bounced,
  // complained) or erased.
  virtual Result<FollowUpEntry> QueueReply(int64_t survey_id, int64_t invitation_id,
                                           const std::string &actor,
                                           const std::string &text, int64_t now) = 0;
  // Open detractors first, then newest answers first.
  virtual Result<std::vector<FollowUpItem>> ListFollowUps(const FollowUpQuery &query) = 0;
  // The follow-ups of the given answers of a survey, by invitation id.
  virtual Result<std::map<int64_t, FollowUp>> GetFollowUps(
      int64_t survey_id, const std::vector<int64_t> &invitation_ids) = 0;
  // One answer with its follow-up (unset when it has none) and thread,
  // oldest entry first. NotFound as for UpdateFollowUp.
  virtual Result<FollowUpItem> GetFollowUpItem(int64_t survey_id, int64_t invitation_id,
                                               std::optional<FollowUp> *follow_up,
                                               std::vector<FollowUpEntry> *thread) = 0;
  // Open follow-ups now, and the time to close of those closed in [from, to).
  virtual Result<FollowUpSummary> SummarizeFollowUps(int64_t survey_id, int64_t from,
                                                     int64_t to) = 0;
  // Leases up to `limit` due replies (pending, retry, or with an expired
  // lease) to `owner` until now + lease_seconds.
  virtual Result<std::vector<ReplyClaim>> ClaimDueReplies(int64_t now, int limit,
                                                          int64_t lease_seconds,
                                                          const std::string &owner) = 0;
  // Records outcomes (DeliveryRecord::invitation_id is the entry id) of
  // replies still leased to `owner` on the same attempt.
  virtual Status RecordReplies(const std::vector<DeliveryRecord> &records, int64_t now,
                               const std::string &owner) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_FOLLOW_UP_STORE_H_
