// The admin's audit log: who changed what, when, as whom. Written after
// each change the admin API made, read newest first by the Audit page.
// Kept for good (no retention): it is small, and outlives a deleted survey.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_AUDIT_STORE_H_
#define CALLEXA_STORE_AUDIT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace callexa {

struct AuditEntry {
  int64_t id = 0;  // set by the store
  int64_t at = 0;
  std::string actor;   // the user nginx authenticated; empty when unknown
  std::string role;    // "owner", "editor", "viewer"
  std::string action;  // "survey.update", ...
  std::optional<int64_t> survey_id;
  std::string details = "{}";  // a JSON object; never a secret or an address
};

struct AuditQuery {
  std::optional<int64_t> survey_id;  // only that survey's entries
  int limit = 50;
  int offset = 0;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  virtual Status RecordAudit(const AuditEntry &entry) = 0;
  // Newest first (by id: the order they were recorded in).
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery &query) = 0;
  // How many entries ListAudit would page through (limit and offset aside).
  virtual Result<int64_t> CountAudit(const AuditQuery &query) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_AUDIT_STORE_H_
