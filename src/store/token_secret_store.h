// The installation's secret for signing survey links, which the scheduler
// (writing links) and the survey pages (checking them) share.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_TOKEN_SECRET_STORE_H_
#define CALLEXA_STORE_TOKEN_SECRET_STORE_H_

#include <string>

#include "common/status.h"

namespace callexa {

class TokenSecretStore {
 public:
  virtual ~TokenSecretStore() = default;

  // 64 hex characters, created once and shared by every worker through the
  // database; the same value on every call.
  virtual Result<std::string> TokenSecret() = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_TOKEN_SECRET_STORE_H_
