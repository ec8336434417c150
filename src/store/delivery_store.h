// The scheduler's side of the store: leasing due invitations and recording
// what became of them (README "Survey emails").
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_DELIVERY_STORE_H_
#define CALLEXA_STORE_DELIVERY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/delivery.h"
#include "store/token_secret_store.h"

namespace callexa {

// One invitation leased for sending by ClaimDueInvitations.
struct DeliveryClaim {
  int64_t invitation_id = 0;
  int64_t survey_id = 0;
  std::string email, first_name, last_name, name;
  int attempts = 0;        // including this one
  std::string message_id;  // the unique part; the same for every attempt
  int64_t due_at = 0;
  std::string survey_content_json;  // Survey::content_json, to render the email
  // Set when the survey's send window (policy/send_window.h) was closed:
  // the invitation went back to the queue until this time, not leased and
  // without counting an attempt. Such a claim is not to be sent.
  std::optional<int64_t> deferred_until;
};

class DeliveryStore : public virtual TokenSecretStore {
 public:
  // Turns every scheduled invitation that is due (automation on) into an
  // invitation row, then leases up to `limit` due ones (queued, retrying,
  // or sending with an expired lease) to `owner` until now + lease_seconds.
  // Invitations to a suppressed address are closed as kSuppressed instead
  // (policy/invitation_rules.h). Invitations whose survey's send window is
  // closed at `now` (in the customer's `timezone` trait when the window says
  // so) go back to the queue until NextSendTime, and come back among the
  // claims with deferred_until set: they count towards `limit`, but take
  // no lease, no attempt and nothing from the monthly budget. A lease
  // makes an invitation invisible to every other worker until it expires,
  // so overlapping workers never send one twice; a crashed owner's
  // invitations come back when it expires.
  virtual Result<std::vector<DeliveryClaim>> ClaimDueInvitations(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) = 0;
  // Records outcomes of invitations leased to `owner`; an invitation whose
  // lease `owner` has lost is left to its new owner. kBounced also
  // suppresses the address for good.
  virtual Status RecordDeliveries(const std::vector<DeliveryRecord> &records, int64_t now,
                                  const std::string &owner) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_DELIVERY_STORE_H_
