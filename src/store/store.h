// The persistent state of Callexa, behind an interface so that another
// backend (PostgreSQL, for several nginx hosts) can stand in for SQLite.
//
// Thread safety: every method may be called from any thread; an
// implementation serialises access itself. Methods block on I/O: call them
// from a pool thread, never from the nginx event loop.
#ifndef CALLEXA_STORE_STORE_H_
#define CALLEXA_STORE_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/ingest_job.h"
#include "policy/eligibility.h"

namespace callexa {

struct Survey {
  int64_t id = 0;
  std::string public_id;  // for public embeds; never a secret
  std::string api_key;    // the Segment destination / tracking API key
  std::string name;
  SurveyPolicy policy;
  std::string segment_write_key;  // empty: no sync-back
  // The owner's texts, questions and branding as a JSON object (see
  // survey/survey_content.h); validated before it is stored.
  std::string content_json = "{}";
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct InvitationView {
  int64_t id = 0;  // 0 while the invitation is only scheduled
  // scheduled, queued, sending, retry, sent, answered, bounced, failed,
  // suppressed
  std::string status;
  int64_t due_at = 0;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::optional<int64_t> answered_at;
  std::string last_error;  // retry, failed, bounced, suppressed: why
};

struct CustomerView {
  int64_t id = 0;
  std::string email, user_id, anonymous_id, first_name, last_name, name, gender;
  std::optional<int64_t> created_at;
  int64_t first_seen_at = 0;
  int64_t last_seen_at = 0;
  // The newest invitation's status; without any invitation "ignored" when
  // the last identify created none, else "none".
  std::string state;
  std::string reason;             // why the last identify created no invitation, if so
  std::optional<int64_t> due_at;  // of the pending invitation
  std::vector<InvitationView> invitations;  // newest first
};

struct CustomerQuery {
  int64_t survey_id = 0;
  std::string email;  // exact match after normalisation; empty: all
  int limit = 100;
  int offset = 0;
};

// One invitation leased for sending by ClaimDueInvitations.
struct DeliveryClaim {
  int64_t invitation_id = 0;
  int64_t survey_id = 0;
  std::string email, first_name, last_name, name;
  int attempts = 0;        // including this one
  std::string message_id;  // the unique part; the same for every attempt
  int64_t due_at = 0;
};

// What became of one claimed invitation.
struct DeliveryRecord {
  enum class Outcome { kSent, kRetry, kFailed, kBounced };
  int64_t invitation_id = 0;
  Outcome outcome = Outcome::kSent;
  int64_t retry_at = 0;  // kRetry: when to try again
  std::string error;     // kRetry, kFailed, kBounced: the server's answer
};

// ---- Answers (survey pages, admin responses) ----

// What a person answered on the survey page.
struct Answer {
  int score = 0;                                     // 0..10
  std::string comment;                               // the follow-up
  std::map<std::string, int> tag_ratings;            // tag name -> 1..5
  std::map<std::string, std::string> extra_answers;  // question id -> text
  bool consent = false;                              // may be quoted
};

struct StoredAnswer {
  Answer answer;
  int64_t created_at = 0;   // first answer
  int64_t answered_at = 0;  // latest change (NPS_date)
  int64_t change_seq = 0;   // grows with every change of any answer
};

// What a survey page needs to know about the invitation behind a link.
struct InvitationContext {
  int64_t invitation_id = 0;
  std::string status;  // as in InvitationView
  int64_t survey_id = 0;
  std::string survey_name;
  std::string content_json;  // Survey::content_json
  std::string email, first_name;
  std::optional<StoredAnswer> answer;  // the current answer, if any
};

struct ResponseQuery {
  int64_t survey_id = 0;
  std::optional<int64_t> from;  // answered_at >= from
  std::optional<int64_t> to;    // answered_at < to
  int limit = 100;
  int offset = 0;
};

struct ResponseView {
  int64_t invitation_id = 0;
  std::string email, first_name, last_name, name;
  StoredAnswer answer;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies every job in one transaction (group commit): authenticates the
  // job's key, skips messageIds already seen, upserts customers and creates
  // invitations per the eligibility policy. Sets each job's status; when
  // the commit itself fails every job gets Unavailable and nothing is kept.
  virtual void ApplyIngest(const std::vector<IngestJob *> &jobs, int64_t now) = 0;

  // Fills id, public_id, api_key and times of `draft` and stores it.
  virtual Result<Survey> CreateSurvey(Survey draft, int64_t now) = 0;
  virtual Result<std::vector<Survey>> ListSurveys() = 0;
  virtual Result<Survey> GetSurvey(int64_t id) = 0;
  // Saves the settings of an existing survey (not its key or ids).
  virtual Result<Survey> UpdateSurvey(const Survey &survey, int64_t now) = 0;
  // Replaces the API key; the old one stops working at once in all workers.
  virtual Result<Survey> RotateApiKey(int64_t id, int64_t now) = 0;
  virtual Result<std::vector<CustomerView>> FindCustomers(const CustomerQuery &q) = 0;

  // Delivery. Turns every scheduled invitation that is due (automation on)
  // into an invitation row, then leases up to `limit` due ones (queued,
  // retrying, or sending with an expired lease) to `owner` until
  // now + lease_seconds. Invitations to a suppressed address are closed as
  // "suppressed" instead. A lease makes an invitation invisible to every
  // other worker until it expires, so overlapping workers never send one
  // twice; a crashed owner's invitations come back when it expires.
  virtual Result<std::vector<DeliveryClaim>> ClaimDueInvitations(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) = 0;
  // Records outcomes of invitations leased to `owner`; an invitation whose
  // lease `owner` has lost is left to its new owner. kBounced also
  // suppresses the address for good.
  virtual Status RecordDeliveries(const std::vector<DeliveryRecord> &records, int64_t now,
                                  const std::string &owner) = 0;
  // The installation's secret for signing survey links: created once,
  // shared by every worker through the database.
  virtual Result<std::string> TokenSecret() = 0;

  // ---- Answers ----

  // The invitation `invitation_id` with its survey, recipient and current
  // answer; NotFound when there is no such invitation.
  virtual Result<InvitationContext> LoadInvitation(int64_t invitation_id) = 0;
  // Records an answer to the invitation (NotFound if it does not exist).
  // The last answer wins: a second call updates the same row, keeping its
  // created_at. With `score_only` (the page's early post of the preselected
  // score) only the score changes and the rest of an earlier answer stays;
  // otherwise every field is replaced. The invitation becomes "answered"
  // (no further delivery attempt), and the answer gets the next change_seq
  // so that sync-back sees every change.
  virtual Status SaveAnswer(int64_t invitation_id, const Answer &answer, bool score_only,
                            int64_t now) = 0;
  // Suppresses the invitation's address as "unsubscribed" for every survey
  // and cancels what is waiting for it: scheduled invitations and queued or
  // retrying ones (those become "suppressed"). One already being sent
  // ("sending") goes out. Idempotent; NotFound for an unknown invitation.
  virtual Status Unsubscribe(int64_t invitation_id, int64_t now) = 0;
  // The answers of a survey, newest first.
  virtual Result<std::vector<ResponseView>> ListResponses(const ResponseQuery &query) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_STORE_H_
