#include "admin/admin_roles.h"

namespace callexa {
namespace {

using nlohmann::json;

bool IsRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

AdminAction Read(AdminRole minimum = AdminRole::kViewer, std::string what = "") {
  return {"", minimum, std::move(what)};
}

AdminAction Change(std::string name, AdminRole minimum, std::string what) {
  return {std::move(name), minimum, std::move(what)};
}

// PATCH api/surveys/{id}: which change depends on the fields sent. A key
// is the owner's; archiving alone and content alone get names of their own.
AdminAction SurveyPatch(const json &body) {
  if (body.is_object() && body.contains("segment_write_key")) {
    return Change("survey.update", AdminRole::kOwner, "set a survey's Segment write key");
  }
  if (body.is_object() && body.size() == 1 && body.contains("archived")) {
    if (body["archived"] == true) {
      return Change("survey.archive", AdminRole::kEditor, "archive a survey");
    }
    return Change("survey.restore", AdminRole::kEditor, "restore a survey");
  }
  if (body.is_object() && body.size() == 1 && body.contains("content")) {
    return Change("content.update", AdminRole::kEditor, "change a survey's content");
  }
  return Change("survey.update", AdminRole::kEditor, "change survey settings");
}

// api/surveys/{id}/<route>[/...], parts.size() >= 4.
std::optional<AdminAction> SurveyRoute(std::string_view method,
                                       const std::vector<std::string> &parts,
                                       const json &body) {
  const std::string &route = parts[3];
  const bool read = IsRead(method);
  // Webhooks send customers' answers and addresses to another system: the
  // owner's to manage; editors may see them.
  if (route == "webhooks") {
    if (read) return Read(AdminRole::kEditor, "view webhooks");
    if (parts.size() == 4 && method == "POST") {
      return Change("webhook.create", AdminRole::kOwner, "manage webhooks");
    }
    if (parts.size() == 5 && method == "DELETE") {
      return Change("webhook.delete", AdminRole::kOwner, "manage webhooks");
    }
    if (parts.size() == 6 && method == "POST" && parts[5] == "test") {
      return Change("webhook.test", AdminRole::kOwner, "manage webhooks");
    }
    if (parts.size() == 6 && method == "POST" && parts[5] == "enable") {
      return Change("webhook.enable", AdminRole::kOwner, "manage webhooks");
    }
    if (parts.size() == 6 && method == "POST" && parts[5] == "secret") {
      return Change("webhook.rotate_secret", AdminRole::kOwner, "manage webhooks");
    }
    return std::nullopt;
  }
  if (parts.size() == 4) {
    if (route == "customers" || route == "traits" || route == "responses" ||
        route == "stats" || route == "delivery" || route == "report-runs" ||
        route == "testimonials" || route == "sync" || route == "send-window") {
      if (read) return Read();
    }
    if (route == "responses.csv" && read) {
      return Read(AdminRole::kEditor, "export responses");
    }
    if (method != "POST") return std::nullopt;
    if (route == "api-key") {
      return Change("survey.rotate_key", AdminRole::kOwner, "rotate a survey's API key");
    }
    if (route == "duplicate") {
      return Change("survey.duplicate", AdminRole::kEditor, "duplicate a survey");
    }
    if (route == "sync") {
      return Change("sync.run", AdminRole::kEditor, "run the Segment sync");
    }
    if (route == "preview") return Read();  // renders, stores nothing
    if (route == "test-email") {
      return Change("test_email.send", AdminRole::kEditor, "send a test email");
    }
    if (route == "logo")
      return Change("logo.upload", AdminRole::kEditor, "upload a logo");
    if (route == "recipients") {
      const bool csv = body.is_object() && body.contains("csv");
      if (body.is_object() && body.contains("dry_run") && body["dry_run"] == true) {
        return Read(AdminRole::kEditor, "import recipients");  // a preview
      }
      return csv ? Change("recipients.import", AdminRole::kEditor, "import recipients")
                 : Change("recipients.add", AdminRole::kEditor, "add recipients");
    }
    return std::nullopt;
  }
  if (parts.size() == 5 && route == "customers" && read) return Read();
  if (parts.size() == 5 && route == "follow-ups" && parts[4] == "summary" && read) {
    return Read();
  }
  if (parts.size() == 5 && route == "responses") {
    if (read) return Read();
    if (method != "PATCH") return std::nullopt;
    if (body.is_object() && body.contains("status")) {
      return Change("follow_up.status", AdminRole::kEditor, "change a follow-up");
    }
    return Change("follow_up.assign", AdminRole::kEditor, "change a follow-up");
  }
  if (parts.size() == 6 && route == "responses" && method == "POST") {
    if (parts[5] == "notes") {
      return Change("follow_up.note", AdminRole::kEditor, "add a note to a follow-up");
    }
    if (parts[5] == "reply") {
      return Change("follow_up.reply", AdminRole::kEditor, "reply to a customer");
    }
  }
  if (parts.size() == 6 && route == "testimonials" && method == "POST" &&
      (parts[5] == "approve" || parts[5] == "reject")) {
    return Change("testimonial." + parts[5], AdminRole::kEditor, "moderate testimonials");
  }
  return std::nullopt;
}

std::optional<AdminAction> ApiRoute(std::string_view method,
                                    const std::vector<std::string> &parts,
                                    const json &body) {
  const bool read = IsRead(method);
  const std::string &area = parts.size() > 1 ? parts[1] : std::string();
  if (parts.size() == 2) {
    if (read && (area == "me" || area == "installation" || area == "database" ||
                 area == "suppressions" || area == "surveys")) {
      return Read();
    }
    if (read && area == "audit") return Read(AdminRole::kEditor, "view the audit log");
    if (method == "POST" && area == "erasure") {
      return Change("erasure", AdminRole::kOwner, "erase a person's data");
    }
    if (method == "POST" && area == "surveys") {
      return Change("survey.create", AdminRole::kEditor, "create a survey");
    }
    return std::nullopt;
  }
  if (area == "suppressions" && parts.size() == 3 && parts[2] == "lift" &&
      method == "POST") {
    return Change("suppression.lift", AdminRole::kEditor, "lift a suppression");
  }
  if (area != "surveys") return std::nullopt;
  if (parts.size() == 3) {
    if (read) return Read();
    if (method == "PATCH") return SurveyPatch(body);
    if (method == "DELETE") {
      return Change("survey.delete", AdminRole::kOwner, "delete a survey");
    }
    return std::nullopt;
  }
  return SurveyRoute(method, parts, body);
}

std::string JoinPath(const std::vector<std::string> &parts) {
  std::string path;
  for (const std::string &p : parts) path += (path.empty() ? "" : "/") + p;
  return path;
}

}  // namespace

std::optional<AdminRole> ParseAdminRole(std::string_view name) {
  if (name == "owner") return AdminRole::kOwner;
  if (name == "editor") return AdminRole::kEditor;
  if (name == "viewer") return AdminRole::kViewer;
  return std::nullopt;
}

const char *AdminRoleName(AdminRole role) {
  switch (role) {
    case AdminRole::kOwner:
      return "owner";
    case AdminRole::kEditor:
      return "editor";
    case AdminRole::kViewer:
      break;
  }
  return "viewer";
}

AdminAction AdminActionOf(std::string_view method, const std::vector<std::string> &parts,
                          const json &body) {
  if (parts.empty() || parts[0] != "api") return Read();  // the UI's page and assets
  if (auto action = ApiRoute(method, parts, body)) return *action;
  // Not in the table: reads stay open (the API answers 404 or 405), and a
  // change nobody listed is the owner's until it is.
  if (IsRead(method)) return Read();
  return {"", AdminRole::kOwner, "use " + std::string(method) + " on " + JoinPath(parts)};
}

std::string RoleRefusal(AdminRole role, const AdminAction &action) {
  return std::string("the ") + AdminRoleName(role) + " role may not " + action.what;
}

}  // namespace callexa
