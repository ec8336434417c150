#include "admin/admin_roles.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callexa {
namespace {

using nlohmann::json;

std::vector<std::string> Parts(const std::string &path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const std::string part = path.substr(
        start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

struct RouteCase {
  const char *method;
  const char *path;
  const char *body;  // JSON, or "" for none
  AdminRole minimum;
  const char *action;  // "" for a read
};

// Every route of the admin API, and the least role each needs.
const RouteCase kRoutes[] = {
    {"GET", "", "", AdminRole::kViewer, ""},
    {"GET", "assets/app.js", "", AdminRole::kViewer, ""},
    {"GET", "api/me", "", AdminRole::kViewer, ""},
    {"GET", "api/installation", "", AdminRole::kViewer, ""},
    {"GET", "api/database", "", AdminRole::kViewer, ""},
    {"GET", "api/suppressions", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1", "", AdminRole::kViewer, ""},
    {"HEAD", "api/surveys/1", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/customers", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/customers/9", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/traits", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/responses", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/stats", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/delivery", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/report-runs", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/testimonials", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/sync", "", AdminRole::kViewer, ""},
    {"GET", "api/surveys/1/send-window", "", AdminRole::kViewer, ""},
    {"POST", "api/surveys/1/preview", "{}", AdminRole::kViewer, ""},
    {"GET", "api/no-such-route", "", AdminRole::kViewer, ""},
    {"GET", "api/audit", "", AdminRole::kEditor, ""},
    {"GET", "api/surveys/1/responses.csv", "", AdminRole::kEditor, ""},
    {"POST", "api/surveys", R"({"name":"N"})", AdminRole::kEditor, "survey.create"},
    {"PATCH", "api/surveys/1", R"({"name":"N"})", AdminRole::kEditor, "survey.update"},
    // Alerts and the reply-to address are settings an editor may change.
    {"PATCH", "api/surveys/1", R"({"alerts":{"on":"detractors"},"reply_to":""})",
     AdminRole::kEditor, "survey.update"},
    {"PATCH", "api/surveys/1", R"({"archived":true})", AdminRole::kEditor,
     "survey.archive"},
    {"PATCH", "api/surveys/1", R"({"archived":false})", AdminRole::kEditor,
     "survey.restore"},
    {"PATCH", "api/surveys/1", R"({"content":{}})", AdminRole::kEditor, "content.update"},
    {"POST", "api/surveys/1/duplicate", "{}", AdminRole::kEditor, "survey.duplicate"},
    {"POST", "api/surveys/1/test-email", R"({"to":"a@b.example"})", AdminRole::kEditor,
     "test_email.send"},
    {"POST", "api/surveys/1/logo", "{}", AdminRole::kEditor, "logo.upload"},
    {"POST", "api/surveys/1/recipients", R"({"recipients":[]})", AdminRole::kEditor,
     "recipients.add"},
    {"POST", "api/surveys/1/recipients", R"({"csv":"email\n"})", AdminRole::kEditor,
     "recipients.import"},
    {"POST", "api/surveys/1/recipients", R"({"csv":"email\n","dry_run":true})",
     AdminRole::kEditor, ""},
    // Not a preview: the API refuses the value with a 400.
    {"POST", "api/surveys/1/recipients", R"({"csv":"email\n","dry_run":"yes"})",
     AdminRole::kEditor, "recipients.import"},
    {"POST", "api/suppressions/lift", R"({"email":"a@b.example"})", AdminRole::kEditor,
     "suppression.lift"},
    {"POST", "api/surveys/1/testimonials/5/approve", "{}", AdminRole::kEditor,
     "testimonial.approve"},
    {"POST", "api/surveys/1/testimonials/5/reject", "{}", AdminRole::kEditor,
     "testimonial.reject"},
    {"POST", "api/surveys/1/sync", "{}", AdminRole::kEditor, "sync.run"},
    {"PATCH", "api/surveys/1", R"({"segment_write_key":"wk"})", AdminRole::kOwner,
     "survey.update"},
    {"PATCH", "api/surveys/1", R"({"name":"N","segment_write_key":""})",
     AdminRole::kOwner, "survey.update"},
    {"POST", "api/surveys/1/api-key", "{}", AdminRole::kOwner, "survey.rotate_key"},
    {"DELETE", "api/surveys/1", R"({"confirm":"NPS"})", AdminRole::kOwner,
     "survey.delete"},
    {"POST", "api/erasure", R"({"email":"a@b.example"})", AdminRole::kOwner, "erasure"},
    // Changes nobody listed are the owner's.
    {"DELETE", "api/surveys/1/logo", "", AdminRole::kOwner, ""},
    {"POST", "api/surveys/1/stats", "{}", AdminRole::kOwner, ""},
    {"PUT", "api/surveys", "{}", AdminRole::kOwner, ""},
};

const AdminRole kRoles[] = {AdminRole::kViewer, AdminRole::kEditor, AdminRole::kOwner};

TEST(AdminRolesTest, EveryRouteForEveryRole) {
  for (const RouteCase &c : kRoutes) {
    const json body = c.body[0] ? json::parse(c.body) : json();
    const AdminAction action = AdminActionOf(c.method, Parts(c.path), body);
    SCOPED_TRACE(std::string(c.method) + " " + c.path + " " + c.body);
    EXPECT_EQ(action.minimum, c.minimum);
    EXPECT_EQ(action.name, c.action);
    for (AdminRole role : kRoles) {
      const bool allowed = role >= action.minimum;
      EXPECT_EQ(allowed, role >= c.minimum) << AdminRoleName(role);
      if (!allowed) {
        const std::string message = RoleRefusal(role, action);
        EXPECT_EQ(message.rfind(
                      std::string("the ") + AdminRoleName(role) + " role may not ", 0),
                  0u)
            << message;
        EXPECT_GT(action.what.size(), 3u);
      }
    }
  }
}

TEST(AdminRolesTest, RefusalsNameTheRoleAndTheAction) {
  const auto patch = AdminActionOf("PATCH", Parts("api/surveys/1"), json{{"name", "N"}});
  EXPECT_EQ(RoleRefusal(AdminRole::kViewer, patch),
            "the viewer role may not change survey settings");
  const auto key = AdminActionOf("POST", Parts("api/surveys/1/api-key"), json::object());
  EXPECT_EQ(RoleRefusal(AdminRole::kEditor, key),
            "the editor role may not rotate a survey's API key");
  const auto csv = AdminActionOf("GET", Parts("api/surveys/1/responses.csv"), json());
  EXPECT_EQ(RoleRefusal(AdminRole::kViewer, csv),
            "the viewer role may not export responses");
  const auto odd = AdminActionOf("DELETE", Parts("api/surveys/1/logo"), json());
  EXPECT_EQ(RoleRefusal(AdminRole::kEditor, odd),
            "the editor role may not use DELETE on api/surveys/1/logo");
}

TEST(AdminRolesTest, ABodyThatIsNotAnObjectIsAPlainSettingsChange) {
  const auto a = AdminActionOf("PATCH", Parts("api/surveys/1"), json::array());
  EXPECT_EQ(a.name, "survey.update");
  EXPECT_EQ(a.minimum, AdminRole::kEditor);
  const auto discarded = json::parse("{", nullptr, false);
  EXPECT_EQ(AdminActionOf("PATCH", Parts("api/surveys/1"), discarded).minimum,
            AdminRole::kEditor);
}

TEST(AdminRolesTest, RoleNames) {
  for (AdminRole role : kRoles) EXPECT_EQ(ParseAdminRole(AdminRoleName(role)), role);
  EXPECT_FALSE(ParseAdminRole(""));
  EXPECT_FALSE(ParseAdminRole("Owner"));
  EXPECT_FALSE(ParseAdminRole("admin"));
  EXPECT_FALSE(ParseAdminRole("owner "));
}

}  // namespace
}  // namespace callexa
