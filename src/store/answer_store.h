// The survey pages' side of the store: the invitation behind a link, the
// answers given to it, unsubscribing.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_ANSWER_STORE_H_
#define CALLEXA_STORE_ANSWER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "model/answer.h"
#include "model/invitation_status.h"
#include "store/token_secret_store.h"

namespace callexa {

// What a survey page needs to know about the invitation behind a link.
struct InvitationContext {
  int64_t invitation_id = 0;
  InvitationStatus status = InvitationStatus::kQueued;
  int64_t survey_id = 0;
  std::string survey_name;
  std::string content_json;  // Survey::content_json
  std::string email, first_name;
  std::optional<StoredAnswer> answer;  // the current answer, if any
};

class AnswerStore : public virtual TokenSecretStore {
 public:
  // The invitation `invitation_id` with its survey, recipient and current
  // answer; NotFound when there is no such invitation.
  virtual Result<InvitationContext> LoadInvitation(int64_t invitation_id) = 0;
  // Records an answer to the invitation (NotFound if it does not exist).
  // The last answer wins: a second call updates the same row, keeping its
  // created_at. With `score_only` (the page's early post of the preselected
  // score) only the score changes and the rest of an earlier answer stays;
  // otherwise every field is replaced. The invitation becomes kAnswered
  // (no further delivery attempt), and the answer gets the next change_seq
  // so that sync-back sees every change.
  virtual Status SaveAnswer(int64_t invitation_id, const Answer &answer, bool score_only,
                            int64_t now) = 0;
  // Suppresses the invitation's address as kUnsubscribed for every survey
  // and cancels what is waiting for it: scheduled invitations and queued or
  // retrying ones (those become kSuppressed). One already being sent
  // (kSending) goes out. Idempotent; NotFound for an unknown invitation.
  virtual Status Unsubscribe(int64_t invitation_id, int64_t now) = 0;

  // Notes that the invitation's promoter followed the review invitation of
  // the thank-you page (answers.review_clicked_at): the first click counts,
  // later ones change nothing. NotFound when the invitation has no answer.
  virtual Status RecordReviewClick(int64_t invitation_id, int64_t now) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_ANSWER_STORE_H_
