// What the audit log records of a change the admin API made, and how
// GET api/audit shows it. Secrets show that they changed, never their
// value; customers' addresses are never recorded (an erasure's record
// would otherwise undo it).
#ifndef CALLEXA_ADMIN_AUDIT_H_
#define CALLEXA_ADMIN_AUDIT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_roles.h"
#include "store/audit_store.h"

namespace callexa {

// The fields of a survey (as SurveyToJson shows it) that differ between
// `before` and `after`: {"name": {"before": "A", "after": "B"}}; a key as
// {"changed": true}; the content as {"changed": [its top-level parts]}.
nlohmann::json SurveyChanges(const nlohmann::json &before, const nlohmann::json &after);

// The record of `action` (a change, with a name) by `user` as `role`,
// which answered `response` (its JSON body) for the path `parts`.
// `before` is the survey as it was, for the survey's own routes.
AuditEntry AuditRecordOf(const AdminAction &action, const std::string &user,
                         AdminRole role, const std::vector<std::string> &parts,
                         const nlohmann::json &before, const nlohmann::json &response,
                         int64_t now);

// An entry as GET api/audit shows it.
nlohmann::json AuditEntryToJson(const AuditEntry &entry);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_AUDIT_H_
