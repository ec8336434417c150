// The follow-up inbox's routes (admin/follow_up_routes.h) through AdminApi:
// roles, validation, the thread, the audit log.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/admin_api.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

class FollowUpRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    survey_ = store_.NewSurvey();
    invitation_ = store_.SentInvitation(survey_, "ada@example.com", kNow - 100, "Ada");
    ASSERT_NE(invitation_, 0);
    Answer a;
    a.score = 2;
    a.comment = "Slow support";
    ASSERT_TRUE(store_->SaveAnswer(invitation_, a, false, kNow - 50).ok());
    path_ = "api/surveys/" + std::to_string(survey_.id) + "/responses/" +
            std::to_string(invitation_);
  }

  json Call(std::string method, std::string path, std::string body, int want,
            std::string role = "editor", std::string query = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.query = std::move(query);
    r.content_type = "application/json";
    r.host = "admin.example";
    r.body = std::move(body);
    r.admin_role = std::move(role);
    r.admin_user = "alice";
    const HttpResponse resp = api_.Handle(r, kNow);
    EXPECT_EQ(resp.status, want)
        << r.method << " " << r.path << " " << r.body << " -> " << resp.body;
    return json::parse(resp.body, nullptr, false);
  }

  std::string Responses() {
    return "api/surveys/" + std::to_string(survey_.id) + "/responses";
  }

  TempStore store_;
  AdminApi api_{store_.get()};
  Survey survey_;
  int64_t invitation_ = 0;
  std::string path_;
};

TEST_F(FollowUpRoutesTest, OpenNoteAssignCloseWithTheThreadAndAudit) {
  // No follow-up yet: the list says null, the filter finds none.
  json list = Call("GET", Responses(), "", 200, "viewer");
  ASSERT_EQ(list["responses"].size(), 1u);
  EXPECT_TRUE(list["responses"][0]["follow_up"].is_null());
  EXPECT_TRUE(
      Call("GET", Responses(), "", 200, "viewer", "follow_up=open")["responses"].empty());

  json f = Call("PATCH", path_, R"({"status":"open","assignee":"bob"})", 200);
  EXPECT_EQ(f["status"], "open");
  EXPECT_EQ(f["assignee"], "bob");
  EXPECT_EQ(f["opened_by"], "alice");
  json note = Call("POST", path_ + "/notes", R"({"text":"Call her back"})", 201);
  EXPECT_EQ(note["kind"], "note");
  EXPECT_EQ(note["actor"], "alice");

  list = Call("GET", Responses(), "", 200, "viewer", "follow_up=open");
  ASSERT_EQ(list["responses"].size(), 1u);
  EXPECT_EQ(list["responses"][0]["comment"], "Slow support");
  EXPECT_EQ(list["responses"][0]["follow_up"]["assignee"], "bob");

  Call("PATCH", path_, R"({"status":"closed"})", 200);
  json thread = Call("GET", path_, "", 200, "viewer");
  EXPECT_EQ(thread["follow_up"]["status"], "closed");
  EXPECT_FALSE(thread["follow_up"]["closed_at"].is_null());
  ASSERT_EQ(thread["thread"].size(), 4u);
  EXPECT_EQ(thread["thread"][2]["text"], "Call her back");
  EXPECT_EQ(thread["thread"][3]["kind"], "status");
  EXPECT_EQ(
      Call("GET", Responses(), "", 200, "viewer", "follow_up=closed")["responses"].size(),
      1u);

  json summary =
      Call("GET", "api/surveys/" + std::to_string(survey_.id) + "/follow-ups/summary", "",
           200, "viewer");
  EXPECT_EQ(summary["open"], 0);
  EXPECT_EQ(summary["closed_in_period"], 1);
  EXPECT_EQ(summary["median_seconds_to_close"], 0);

  // The audit log names the changes, never the note's words.
  auto audit = store_->ListAudit({});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].action, "follow_up.status");
  EXPECT_EQ((*audit)[1].action, "follow_up.note");
  EXPECT_EQ((*audit)[1].details.find("Call her"), std::string::npos);
  EXPECT_NE((*audit)[1].details.find("invitation_id"), std::string::npos);
}

TEST_F(FollowUpRoutesTest, ViewersReadOnlyAndBadInputNamesTheField) {
  Call("PATCH", path_, R"({"status":"open"})", 403, "viewer");
  Call("POST", path_ + "/notes", R"({"text":"x"})", 403, "viewer");
  Call("POST", path_ + "/reply", R"({"text":"x"})", 403, "viewer");

  json e = Call("PATCH", path_, R"({"status":"done"})", 400);
  EXPECT_NE(e["message"].get<std::string>().find("status"), std::string::npos);
  e = Call("POST", path_ + "/notes", R"({"text":""})", 400);
  EXPECT_NE(e["message"].get<std::string>().find("text"), std::string::npos);
  e = Call("POST", path_ + "/notes", json{{"text", std::string(5001, 'x')}}.dump(), 400);
  EXPECT_NE(e["message"].get<std::string>().find("5000"), std::string::npos);
  e = Call("POST", path_ + "/reply", json{{"text", std::string(10001, 'x')}}.dump(), 400);
  EXPECT_NE(e["message"].get<std::string>().find("10000"), std::string::npos);
  Call("POST", path_ + "/notes", json{{"text", std::string(5000, 'x')}}.dump(), 201);
  Call("GET", Responses(), "", 400, "viewer", "follow_up=maybe");
  Call("GET", Responses() + "/999999", "", 404, "viewer");
  Call("GET", Responses() + "/abc", "", 404, "viewer");
}

TEST_F(FollowUpRoutesTest, ReplyQueuedOrRefusedForASuppressedAddress) {
  json reply = Call("POST", path_ + "/reply", R"({"text":"Sorry, Ada"})", 201);
  EXPECT_EQ(reply["kind"], "reply");
  EXPECT_EQ(reply["mail_status"], "pending");
  ASSERT_TRUE(store_->Unsubscribe(invitation_, kNow).ok());
  json e = Call("POST", path_ + "/reply", R"({"text":"Again"})", 409);
  EXPECT_NE(e["message"].get<std::string>().find("unsubscribed"), std::string::npos);
}

}  // namespace
}  // namespace callexa
