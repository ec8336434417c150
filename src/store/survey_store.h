// The surveys and what the admin API reads of them: settings, customers
// with their invitations, answers.
//
// Thread safety and blocking as for every store (store/store.h): any
// thread, never the nginx event loop.
#ifndef CALLEXA_STORE_SURVEY_STORE_H_
#define CALLEXA_STORE_SURVEY_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/answer.h"
#include "model/invitation_status.h"
#include "model/reminder.h"
#include "model/survey.h"
#include "store/report_store.h"

namespace callexa {

struct InvitationView {
  int64_t id = 0;  // 0 while the invitation is only scheduled
  InvitationStatus status = InvitationStatus::kScheduled;
  int64_t due_at = 0;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::optional<int64_t> answered_at;
  std::string last_error;  // retry, failed, bounced, suppressed: why
  // Queued or retrying: when the scheduler takes it up (a send window may
  // have moved it past due_at).
  std::optional<int64_t> next_attempt_at;
  // Its reminder (README "Reminders"), once the scheduler has taken it up.
  std::optional<ReminderStatus> reminder_status;
  std::optional<int64_t> reminder_sent_at;
  std::string reminder_error;  // skipped, retry, failed: why
};

struct CustomerView {
  int64_t id = 0;
  std::string email, user_id, anonymous_id, first_name, last_name, name, gender;
  std::optional<int64_t> created_at;
  int64_t first_seen_at = 0;
  int64_t last_seen_at = 0;
  // Where the customer is (see CustomerState in policy/customer_state.h):
  // the newest invitation's status, else "ignored" or "none".
  std::string state;
  std::string reason;             // why the last identify created no invitation, if so
  std::optional<int64_t> due_at;  // of the pending invitation
  std::optional<int64_t> last_surveyed_at;  // when the last invitation was sent
  std::vector<InvitationView> invitations;  // newest first
};

struct CustomerQuery {
  int64_t survey_id = 0;
  std::string email;  // exact match after normalisation; empty: all
  // Part of the email or name, any case (ASCII); empty: all.
  std::string search;
  std::string state;  // a CustomerView::state; empty: all
  int limit = 100;
  int offset = 0;
};

struct ResponseQuery {
  int64_t survey_id = 0;
  std::optional<int64_t> from;  // answered_at >= from
  std::optional<int64_t> to;    // answered_at < to
  int min_score = 0;            // a score band: min_score <= score <= max_score
  int max_score = 10;
  std::vector<TraitFilter> traits;  // of the customer, as in reports; all must match
  int limit = 100;
  int offset = 0;
};

struct ResponseView {
  int64_t invitation_id = 0;
  int64_t customer_id = 0;
  std::string email, first_name, last_name, name;
  StoredAnswer answer;
};

// One customer of a survey for the customer page: who, the traits the
// identifies left, the invitations and the answers.
struct CustomerDetail {
  CustomerView customer;              // invitations: the latest kCustomerInvitations
  std::string traits_json;            // the stored JSON object
  std::vector<ResponseView> answers;  // the latest kCustomerInvitations, oldest first
};

// The most invitations and answers a CustomerDetail holds (a customer is
// surveyed at most every resurvey interval, so this is years of them).
constexpr int kCustomerInvitations = 100;

// A trait that customers of a survey have, with its commonest values.
struct TraitSummary {
  struct Value {
    std::string value;  // strings as they are; numbers and booleans in JSON form
    int64_t customers = 0;
  };
  std::string name;
  int64_t customers = 0;      // with a scalar value for it
  std::vector<Value> values;  // most customers first, then by value
  bool more_values = false;   // values beyond those listed exist
};

// What the survey list shows beside each survey's settings.
struct SurveyCounts {
  int64_t survey_id = 0;
  int64_t invitations_this_month = 0;  // counted against the monthly budget
  int64_t answers = 0;
};

// Where a survey's invitations are, for the admin's status page.
struct DeliveryOverview {
  std::map<InvitationStatus, int64_t> counts;  // kScheduled: not yet created
  struct Problem {
    std::string email;
    InvitationStatus status = InvitationStatus::kRetry;
    std::string error;
    int64_t at = 0;  // when it was recorded
  };
  std::vector<Problem> recent_problems;  // newest first: retry, failed, bounced...
};

// What deleting a survey removed with it.
struct SurveyDeletion {
  int64_t customers = 0;
  int64_t invitations = 0;
  int64_t answers = 0;
  int64_t testimonials = 0;
  int64_t images = 0;
};

struct SuppressionView {
  std::string email;
  SuppressionReason reason = SuppressionReason::kUnsubscribed;
  int64_t created_at = 0;
};

struct SuppressionQuery {
  std::string email;  // exact match after normalisation; empty: all
  int limit = 100;
  int offset = 0;
};

class SurveyStore {
 public:
  virtual ~SurveyStore() = default;

  // Fills id, public_id, api_key and times of `draft` and stores it.
  virtual Result<Survey> CreateSurvey(Survey draft, int64_t now) = 0;
  virtual Result<std::vector<Survey>> ListSurveys() = 0;
  // NotFound for an unknown id.
  virtual Result<Survey> GetSurvey(int64_t id) = 0;
  // Saves the settings of an existing survey (not its key or ids).
  virtual Result<Survey> UpdateSurvey(const Survey &survey, int64_t now) = 0;
  // Replaces the API key; the old one stops working at once in all workers.
  virtual Result<Survey> RotateApiKey(int64_t id, int64_t now) = 0;
  // A new survey named `name` with the settings and content of survey `id`:
  // its own API key and public id, no customers or answers, automation off
  // (a copy must not start mailing by surprise), not archived. NotFound for
  // an unknown id.
  virtual Result<Survey> DuplicateSurvey(int64_t id, const std::string &name,
                                         int64_t now) = 0;
  // Archives (archived_at = now, automation off) or restores (archived_at
  // cleared; automation stays off) survey `id`; its data is kept either
  // way. NotFound for an unknown id.
  virtual Result<Survey> SetSurveyArchived(int64_t id, bool archived, int64_t now) = 0;
  // Deletes survey `id` and everything of it in one transaction: customers,
  // invitations, answers, testimonials, the logo no other survey uses, its
  // counters, sync-back and report state. The audit log is kept. Links
  // already sent then find no invitation. NotFound for an unknown id.
  virtual Result<SurveyDeletion> DeleteSurvey(int64_t id) = 0;
  virtual Result<std::vector<CustomerView>> FindCustomers(const CustomerQuery &q) = 0;
  // The answers of a survey, newest first.
  virtual Result<std::vector<ResponseView>> ListResponses(const ResponseQuery &query) = 0;
  // Customer `customer_id` of survey `survey_id`; NotFound when the survey
  // has no such customer.
  virtual Result<CustomerDetail> GetCustomer(int64_t survey_id, int64_t customer_id) = 0;
  // The scalar traits (string, number, boolean) of the survey's customers,
  // the `max_names` held by most customers (then by name), each with its
  // `max_values` commonest values. Identity traits (email, names, created
  // at) are left out: they are the customer's own fields. A long read (the
  // reports' connection).
  virtual Result<std::vector<TraitSummary>> ListTraits(int64_t survey_id, int max_names,
                                                       int max_values) = 0;

  // Per survey: invitations created in the calendar month starting at
  // `month_start` (UTC) and answers in all.
  virtual Result<std::vector<SurveyCounts>> CountBySurvey(int64_t month_start) = 0;
  // How many customers FindCustomers would give without limit and offset.
  virtual Result<int64_t> CountCustomers(const CustomerQuery &q) = 0;
  // The survey's invitations by status, and its latest `problems` errors.
  virtual Result<DeliveryOverview> GetDeliveryOverview(int64_t survey_id,
                                                       int problems) = 0;

  // Suppressed addresses (every survey's), newest first, and their total.
  virtual Result<std::vector<SuppressionView>> ListSuppressions(
      const SuppressionQuery &q) = 0;
  virtual Result<int64_t> CountSuppressions(const SuppressionQuery &q) = 0;
  // Lifts the suppression of `email` (the owner's decision): it may be
  // surveyed again by later identifies. NotFound when it is not suppressed.
  virtual Status LiftSuppression(const std::string &email) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_SURVEY_STORE_H_
