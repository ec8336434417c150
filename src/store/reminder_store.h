// The reminder step's side of the store (README "Reminders"): leasing due
// reminders and recording what became of them, with the same lease and
// fencing as survey emails (store/delivery_store.h).
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_REMINDER_STORE_H_
#define CALLEXA_STORE_REMINDER_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/reminder.h"
#include "policy/reminder_rules.h"
#include "store/token_secret_store.h"

namespace callexa {

// One reminder leased for sending by ClaimDueReminders.
struct ReminderClaim {
  int64_t invitation_id = 0;
  int64_t survey_id = 0;
  std::string email, first_name, last_name, name;
  int attempts = 0;        // including this one
  std::string message_id;  // the reminder's own unique part, the same for every attempt
  std::string survey_message_id;  // the survey email's: In-Reply-To and References
  // When the survey email went out: the reminder repeats its links, which
  // expire counting from then.
  int64_t survey_sent_at = 0;
  int64_t due_at = 0;
  std::string survey_content_json;  // Survey::content_json, to render the email
};

class ReminderStore : public virtual TokenSecretStore {
 public:
  // Leases up to `limit` reminders that DecideReminder says are due (new
  // ones, retrying ones, and ones still 'sending' past their lease) to
  // `owner` until now + lease_seconds, and records as skipped those it
  // says to skip. All in one write transaction, which also sees every
  // answer committed before it: an invitation answered by then is never
  // leased. A reminder due outside its survey's send window waits, queued,
  // for the window (no attempt counted).
  virtual Result<std::vector<ReminderClaim>> ClaimDueReminders(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) = 0;
  // DecideReminder for the reminder of `invitation_id` as things stand
  // now: the step's last look before sending. NotFound without a reminder.
  virtual Result<ReminderDecision> CheckReminder(int64_t invitation_id, int64_t now) = 0;
  // Records outcomes of reminders leased to `owner`; one whose lease
  // `owner` has lost is left to its new owner. kBounced also suppresses
  // the address for good, as a survey email's bounce does.
  virtual Status RecordReminders(const std::vector<ReminderRecord> &records, int64_t now,
                                 const std::string &owner) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_REMINDER_STORE_H_
