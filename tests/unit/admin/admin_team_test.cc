// The admin API's roles and audit log (README "A team").
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/admin_api.h"
#include "store/open_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

HttpRequest Request(std::string method, std::string path, std::string body = "",
                    std::string role = "owner", std::string user = "alice") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.content_type = "application/json";
  r.host = "admin.example";
  r.body = std::move(body);
  r.admin_role = std::move(role);
  r.admin_user = std::move(user);
  return r;
}

// An AuditStore that fails every write, to see the change stay.
class BrokenAudit : public AuditStore {
 public:
  Status RecordAudit(const AuditEntry &) override {
    return Status::IOError("database is full", "disk full writing audit_log");
  }
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery &) override {
    return std::vector<AuditEntry>{};
  }
  Result<int64_t> CountAudit(const AuditQuery &) override { return int64_t{0}; }
};

class AdminTeamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_team_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
    auto opened = OpenStore(dir_ + "/callexa.db");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    api_ = std::make_unique<AdminApi>(store_.get());
    survey_ = Call(Request("POST", "api/surveys", R"({"name":"NPS"})"), 201);
    path_ = "api/surveys/" + std::to_string(survey_["id"].get<int64_t>());
  }

  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  json Call(const HttpRequest &r, int want_status) {
    const HttpResponse resp = api_->Handle(r, kNow);
    EXPECT_EQ(resp.status, want_status) << r.admin_role << " " << r.method << " "
                                        << r.path << " " << r.body << " -> " << resp.body;
    json body = json::parse(resp.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << resp.body;
    return body;
  }

  json Audit(const std::string &query = "") {
    HttpRequest r = Request("GET", "api/audit");
    r.query = query;
    return Call(r, 200);
  }

  std::string dir_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<AdminApi> api_;
  json survey_;
  std::string path_;
};

TEST_F(AdminTeamTest, MeSaysWhoAndAsWhat) {
  json me = Call(Request("GET", "api/me", "", "editor", "bob"), 200);
  EXPECT_EQ(me, (json{{"user", "bob"}, {"role", "editor"}}));
  me = Call(Request("GET", "api/me", "", "owner", ""), 200);
  EXPECT_TRUE(me["user"].is_null());
  EXPECT_EQ(me["role"], "owner");
  // What the glue never sends reads as the least role.
  me = Call(Request("GET", "api/me", "", "admin", "x"), 200);
  EXPECT_EQ(me["role"], "viewer");
}

TEST_F(AdminTeamTest, AViewerReadsButChangesNothing) {
  const auto viewer = [](std::string method, std::string path, std::string body = "") {
    return Request(std::move(method), std::move(path), std::move(body), "viewer",
                   "carol");
  };
  Call(viewer("GET", "api/surveys"), 200);
  Call(viewer("GET", path_), 200);
  Call(viewer("GET", path_ + "/responses"), 200);
  json refused = Call(viewer("PATCH", path_, R"({"name":"Renamed"})"), 403);
  EXPECT_EQ(refused["message"], "the viewer role may not change survey settings");
  refused = Call(viewer("GET", path_ + "/responses.csv"), 403);
  EXPECT_EQ(refused["message"], "the viewer role may not export responses");
  refused = Call(viewer("POST", path_ + "/api-key", "{}"), 403);
  EXPECT_EQ(refused["message"], "the viewer role may not rotate a survey's API key");
  Call(viewer("POST", "api/surveys", R"({"name":"Mine"})"), 403);
  Call(viewer("GET", "api/audit"), 403);
  EXPECT_EQ(Call(Request("GET", path_), 200)["name"], "NPS");
}

TEST_F(AdminTeamTest, AnEditorChangesSurveysButNotKeysOrPeople) {
  const auto editor = [](std::string method, std::string path, std::string body = "") {
    return Request(std::move(method), std::move(path), std::move(body), "editor", "bob");
  };
  Call(editor("PATCH", path_, R"({"name":"Renamed","min_delay_days":5})"), 200);
  json refused = Call(editor("PATCH", path_, R"({"segment_write_key":"wk"})"), 403);
  EXPECT_EQ(refused["message"],
            "the editor role may not set a survey's Segment write key");
  refused = Call(editor("POST", path_ + "/api-key", "{}"), 403);
  EXPECT_EQ(refused["message"], "the editor role may not rotate a survey's API key");
  refused = Call(editor("POST", "api/erasure", R"({"email":"a@example.com"})"), 403);
  EXPECT_EQ(refused["message"], "the editor role may not erase a person's data");
  Call(editor("POST", path_ + "/recipients",
              R"({"recipients":[{"email":"a@example.com"}]})"),
       200);
  EXPECT_EQ(Audit()["total"], 3);  // create, update, recipients
}

TEST_F(AdminTeamTest, ChangesAreRecordedNewestFirstWithBeforeAndAfter) {
  Call(Request("PATCH", path_, R"({"name":"Renamed","min_delay_days":5})", "editor",
               "bob"),
       200);
  Call(Request("PATCH", path_, R"({"segment_write_key":"wk_secret"})"), 200);
  Call(Request("POST", path_ + "/api-key", "{}"), 200);
  const json audit = Audit();
  ASSERT_EQ(audit["total"], 4) << audit;
  const json &e = audit["entries"];
  EXPECT_EQ(e[0]["action"], "survey.rotate_key");
  EXPECT_EQ(e[0]["user"], "alice");
  EXPECT_EQ(e[0]["role"], "owner");
  EXPECT_EQ(e[0]["at"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(e[0]["survey_id"], survey_["id"]);
  EXPECT_EQ(e[1]["action"], "survey.update");
  EXPECT_EQ(e[1]["details"]["changes"],
            (json{{"segment_write_key", {{"changed", true}}}}));
  EXPECT_EQ(e[2]["user"], "bob");
  EXPECT_EQ(e[2]["role"], "editor");
  EXPECT_EQ(e[2]["details"]["changes"],
            (json{{"name", {{"before", "NPS"}, {"after", "Renamed"}}},
                  {"min_delay_days", {{"before", 3}, {"after", 5}}}}));
  EXPECT_EQ(e[3]["action"], "survey.create");
  EXPECT_EQ(e[3]["details"]["name"], "NPS");
  // No secret anywhere in the log.
  EXPECT_EQ(audit.dump().find("wk_secret"), std::string::npos);
  EXPECT_EQ(audit.dump().find(survey_["api_key"].get<std::string>()), std::string::npos);
}

TEST_F(AdminTeamTest, NoAddressIsEverRecorded) {
  Call(Request(
           "POST", path_ + "/recipients",
           R"({"recipients":[{"email":"ann@example.com"},{"email":"ben@example.com"}]})"),
       200);
  Call(Request("POST", "api/erasure", R"({"email":"ann@example.com"})"), 200);
  Call(Request("POST", "api/suppressions/lift", R"({"email":"ann@example.com"})"), 200);
  const json audit = Audit();
  ASSERT_EQ(audit["total"], 4) << audit;
  EXPECT_EQ(audit["entries"][0]["action"], "suppression.lift");
  EXPECT_EQ(audit["entries"][1]["action"], "erasure");
  EXPECT_EQ(audit["entries"][1]["details"], (json{{"people", 1}}));
  EXPECT_TRUE(audit["entries"][1]["survey_id"].is_null());
  EXPECT_EQ(audit["entries"][2]["action"], "recipients.add");
  EXPECT_EQ(audit["entries"][2]["details"]["received"], 2);
  EXPECT_EQ(audit.dump().find("@example.com"), std::string::npos) << audit;
}

TEST_F(AdminTeamTest, ASurveysLifeIsRecordedAndOutlivesIt) {
  const int64_t id = survey_["id"].get<int64_t>();
  const json copy =
      Call(Request("POST", path_ + "/duplicate", "{}", "editor", "bob"), 201);
  Call(Request("PATCH", path_, R"({"archived":true})", "editor", "bob"), 200);
  Call(Request("PATCH", path_, R"({"archived":false})", "editor", "bob"), 200);
  Call(Request("DELETE", path_, R"({"confirm":"NPS"})", "editor", "bob"), 403);
  Call(Request("DELETE", path_, R"({"confirm":"NPS"})"), 200);
  const json e = Audit()["entries"];
  ASSERT_EQ(e.size(), 5u) << e;
  EXPECT_EQ(e[0]["action"], "survey.delete");
  EXPECT_EQ(e[0]["survey_id"], id);
  EXPECT_EQ(e[0]["details"], (json{{"name", "NPS"}}));
  EXPECT_EQ(e[1]["action"], "survey.restore");
  EXPECT_EQ(e[2]["action"], "survey.archive");
  EXPECT_TRUE(e[2]["details"]["changes"].contains("archived_at")) << e[2];
  EXPECT_EQ(e[3]["action"], "survey.duplicate");
  EXPECT_EQ(e[3]["survey_id"], copy["id"]);
  EXPECT_EQ(e[3]["details"]["from_survey_id"], id);
  EXPECT_EQ(Audit("survey_id=" + std::to_string(id))["total"], 4);
}

TEST_F(AdminTeamTest, ReadsRefusalsAndFailuresAreNotRecorded) {
  Call(Request("GET", path_), 200);
  Call(Request("POST", path_ + "/preview", "{}"), 200);
  Call(Request("PATCH", path_, R"({"min_delay_days":-1})"), 400);
  Call(Request("PATCH", path_, R"({"name":"X"})", "viewer", "carol"), 403);
  EXPECT_EQ(Audit()["total"], 1);  // the survey's creation
}

TEST_F(AdminTeamTest, TheLogFiltersBySurveyAndPages) {
  const json other = Call(Request("POST", "api/surveys", R"({"name":"Other"})"), 201);
  for (int i = 0; i < 3; ++i) {
    Call(Request("PATCH", path_, json{{"name", "N" + std::to_string(i)}}.dump()), 200);
  }
  const json one = Audit("survey_id=" + std::to_string(survey_["id"].get<int64_t>()) +
                         "&limit=2&offset=1");
  EXPECT_EQ(one["total"], 4);
  ASSERT_EQ(one["entries"].size(), 2u);
  EXPECT_EQ(one["entries"][0]["details"]["changes"]["name"]["after"], "N1");
  const json theirs = Audit("survey_id=" + std::to_string(other["id"].get<int64_t>()));
  EXPECT_EQ(theirs["total"], 1);
  EXPECT_EQ(Audit()["total"], 5);
  HttpRequest bad = Request("GET", "api/audit");
  bad.query = "survey_id=abc";
  EXPECT_EQ(Call(bad, 400)["message"], "survey_id must be a survey's id");
}

TEST_F(AdminTeamTest, AFailedAuditWriteKeepsTheChangeAndSaysWhy) {
  BrokenAudit broken;
  Store *s = store_.get();
  AdminApi api(AdminStores{s, s, s, s, s, s, s, s, s, s, &broken});
  const HttpResponse resp =
      api.Handle(Request("PATCH", path_, R"({"name":"Kept"})", "owner", "alice"), kNow);
  EXPECT_EQ(resp.status, 200) << resp.body;
  EXPECT_NE(resp.error_log.find("survey.update"), std::string::npos) << resp.error_log;
  EXPECT_NE(resp.error_log.find("disk full writing audit_log"), std::string::npos)
      << resp.error_log;
  EXPECT_EQ(Call(Request("GET", path_), 200)["name"], "Kept");
}

// The keys are the owner's: an editor or a viewer reads every survey
// answer without them, and an editor's settings change never sends one.
TEST_F(AdminTeamTest, OnlyTheOwnerReadsTheKeys) {
  Call(Request("PATCH", path_, R"({"segment_write_key":"wk_secret"})"), 200);
  for (const char *role : {"editor", "viewer"}) {
    for (const json &survey :
         {Call(Request("GET", path_, "", role), 200),
          Call(Request("GET", "api/surveys", "", role), 200)["surveys"][0]}) {
      EXPECT_TRUE(survey["api_key"].is_null()) << role;
      EXPECT_TRUE(survey["segment_write_key"].is_null()) << role;
    }
  }
  const json edited =
      Call(Request("PATCH", path_, R"({"min_delay_days":4})", "editor"), 200);
  EXPECT_TRUE(edited["api_key"].is_null());
  const json owned = Call(Request("GET", path_), 200);
  EXPECT_EQ(owned["segment_write_key"], "wk_secret");
  EXPECT_TRUE(owned["api_key"].is_string());
}

}  // namespace
}  // namespace callexa
