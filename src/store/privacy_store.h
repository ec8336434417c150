// What the privacy rules need of the store: erasing one person everywhere
// (policy/erasure.h) and deleting answers past a survey's retention.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_PRIVACY_STORE_H_
#define CALLEXA_STORE_PRIVACY_STORE_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace callexa {

struct ErasureCounts {
  int64_t customers = 0;  // one per survey that knew the address
  int64_t invitations = 0;
  int64_t answers = 0;
  int64_t testimonials = 0;
};

class PrivacyStore {
 public:
  virtual ~PrivacyStore() = default;

  // Deletes, in one transaction, every customer row of `email` (already
  // normalised) in every survey with their invitations, answers and
  // testimonials, and any suppression of the address; then suppresses
  // ErasedEmailKey(email), so nothing is ever sent to it again. Erasing an
  // unknown address only adds that suppression. Counts what went.
  virtual Result<ErasureCounts> ErasePerson(const std::string &email, int64_t now) = 0;

  // Deletes, for every survey with retention_months, the answers answered
  // more than that many calendar months before `now` (UTC), with their
  // testimonials; the invitations stay, as answered. The number deleted.
  virtual Result<int64_t> DeleteExpiredAnswers(int64_t now) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_PRIVACY_STORE_H_
