// Who may do what in the admin API: the role nginx gave the request
// (callexa_admin_role) against the least role each route needs, and the
// name the audit log records a change under. One table for every route,
// so that a route added to the API without a row here is owner-only.
#ifndef CALLEXA_ADMIN_ADMIN_ROLES_H_
#define CALLEXA_ADMIN_ADMIN_ROLES_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callexa {

// In order of what they may do: each may do all the one before may.
enum class AdminRole { kViewer, kEditor, kOwner };

// "owner", "editor", "viewer"; nullopt for anything else (also "").
std::optional<AdminRole> ParseAdminRole(std::string_view name);
const char *AdminRoleName(AdminRole role);

// What one request does, as the role check and the audit log see it.
struct AdminAction {
  // The audit log's name of a change ("survey.update"); empty for a read,
  // a preview or a route that does not exist (nothing to record).
  std::string name;
  AdminRole minimum = AdminRole::kViewer;
  // For the 403: "the viewer role may not <what>".
  std::string what;
};

// The action of `method` on `parts` (the path below the admin location,
// split at "/": "api", "surveys", "3", ...). `body` is the parsed JSON
// body of a PATCH, whose fields decide which change it is; null or not an
// object for any other request.
AdminAction AdminActionOf(std::string_view method, const std::vector<std::string> &parts,
                          const nlohmann::json &body);

// {"message"} of the 403 for `role` refused `action`.
std::string RoleRefusal(AdminRole role, const AdminAction &action);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_ADMIN_ROLES_H_
