// The admin API's survey lifecycle (duplicate, archive, delete) and the
// recipients' search, state filter and reasons in words.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/admin_fixture.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = kAdminTestNow;

class AdminSurveysTest : public AdminApiFixture {
 protected:
  std::string ListedNames(const std::string &query = "") {
    std::string out;
    const json listed = Call(AdminRequest("GET", "api/surveys", "", query), 200);
    for (const json &s : listed["surveys"]) {
      out += (out.empty() ? "" : ",") + s["name"].get<std::string>();
    }
    return out;
  }
};

TEST_F(AdminSurveysTest, DuplicateCopiesSettingsWithNewKeysAndAutomationOff) {
  const json s = CreateSurvey(
      R"({"name":"NPS","automation":true,"min_delay_days":5,
          "content":{"subject":"How are we doing?"}})");
  Identify(s["api_key"], {{"email", "ada@example.com"}});

  const json copy = Call(AdminRequest("POST", SurveyPath(s, "/duplicate"), "{}"), 201);
  EXPECT_EQ(copy["name"], "NPS (copy)");
  EXPECT_NE(copy["id"], s["id"]);
  EXPECT_NE(copy["api_key"], s["api_key"]);
  EXPECT_NE(copy["public_id"], s["public_id"]);
  EXPECT_EQ(copy["automation"], false);
  EXPECT_EQ(copy["min_delay_days"], 5);
  EXPECT_EQ(copy["content"], s["content"]);
  EXPECT_TRUE(copy["archived_at"].is_null());
  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(copy, "/customers")), 200)["total"], 0);

  const json named = Call(
      AdminRequest("POST", SurveyPath(s, "/duplicate"), R"({"name":"Onboarding"})"), 201);
  EXPECT_EQ(named["name"], "Onboarding");

  EXPECT_EQ(Call(AdminRequest("POST", SurveyPath(s, "/duplicate"), R"({"name":""})"),
                 400)["message"],
            "name must have 1 to 200 bytes");
  Call(AdminRequest("POST", SurveyPath(s, "/duplicate"), R"({"automation":true})"), 400);
  Call(AdminRequest("GET", SurveyPath(s, "/duplicate")), 405);
  Call(AdminRequest("POST", "api/surveys/999/duplicate", "{}"), 404);
}

TEST_F(AdminSurveysTest, ArchiveHidesFromTheListAndRestoreBringsBack) {
  const json a = CreateSurvey(R"({"name":"A","automation":true})");
  CreateSurvey(R"({"name":"B"})");
  Identify(a["api_key"], {{"email", "ada@example.com"}});

  const json archived =
      Call(AdminRequest("PATCH", SurveyPath(a), R"({"archived":true})"), 200, kNow + 60);
  EXPECT_EQ(archived["archived_at"], "2026-11-28T10:01:00Z");
  EXPECT_EQ(archived["automation"], false);
  EXPECT_EQ(ListedNames(), "B");
  EXPECT_EQ(ListedNames("archived=true"), "A,B");
  Call(AdminRequest("GET", "api/surveys", "", "archived=maybe"), 400);
  // Its data and reports stay readable.
  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(a, "/customers")), 200)["total"], 1);
  Call(AdminRequest("GET", SurveyPath(a, "/stats")), 200);
  // The automation stays off while archived; other settings may change.
  EXPECT_EQ(Call(AdminRequest("PATCH", SurveyPath(a), R"({"automation":true})"),
                 409)["message"],
            "automation cannot be on while the survey is archived: restore it first");
  EXPECT_EQ(
      Call(AdminRequest("PATCH", SurveyPath(a), R"({"name":"A1"})"), 200)["archived_at"],
      "2026-11-28T10:01:00Z");
  Call(AdminRequest("PATCH", SurveyPath(a), R"({"archived":"yes"})"), 400);
  Call(AdminRequest("PATCH", SurveyPath(a), R"({"archived_at":null})"), 400);

  const json restored =
      Call(AdminRequest("PATCH", SurveyPath(a), R"({"archived":false})"), 200);
  EXPECT_TRUE(restored["archived_at"].is_null());
  EXPECT_EQ(restored["automation"], false);
  EXPECT_EQ(ListedNames(), "A1,B");
  // Restoring and switching on at once is fine.
  Call(AdminRequest("PATCH", SurveyPath(a), R"({"archived":true})"), 200);
  EXPECT_EQ(Call(AdminRequest("PATCH", SurveyPath(a),
                              R"({"archived":false,"automation":true})"),
                 200)["automation"],
            true);
}

TEST_F(AdminSurveysTest, DeleteNeedsTheExactNameAndRemovesEverything) {
  const json s = CreateSurvey(R"({"name":"Customers Q1","automation":true})");
  Identify(s["api_key"], {{"email", "ada@example.com"}});
  for (const char *body : {"", "{}", R"({"confirm":"customers q1"})",
                           R"({"confirm":"Customers Q1 "})", R"({"confirm":1})"}) {
    EXPECT_EQ(Call(AdminRequest("DELETE", SurveyPath(s), body), 400)["message"],
              "confirm must be the survey's exact name")
        << body;
  }
  Call(AdminRequest("GET", SurveyPath(s)), 200);

  const json deleted =
      Call(AdminRequest("DELETE", SurveyPath(s), R"({"confirm":"Customers Q1"})"), 200);
  EXPECT_EQ(deleted["deleted"], true);
  EXPECT_EQ(deleted["customers"], 1);
  Call(AdminRequest("GET", SurveyPath(s)), 404);
  Call(AdminRequest("GET", SurveyPath(s, "/customers")), 404);
  EXPECT_EQ(ListedNames("archived=true"), "");
  Call(AdminRequest("DELETE", SurveyPath(s), R"({"confirm":"Customers Q1"})"), 404);
}

TEST_F(AdminSurveysTest, CustomersBySearchStateAndReasonInWords) {
  const json s = CreateSurvey(
      R"({"name":"NPS","automation":true,"min_delay_days":3,"max_delay_days":90})");
  // Signed up 200 days ago: beyond the 90-day window.
  Identify(s["api_key"], {{"email", "old@example.com"},
                          {"firstName", "Olga"},
                          {"createdAt", "2026-05-12T10:00:00Z"}});
  Identify(s["api_key"],
           {{"email", "alice@example.com"}, {"createdAt", "2026-11-27T10:00:00Z"}});
  const auto query = [&](const std::string &q) {
    return Call(AdminRequest("GET", SurveyPath(s, "/customers"), "", q), 200);
  };
  json found = query("q=ALI");
  ASSERT_EQ(found["total"], 1) << found;
  EXPECT_EQ(found["customers"][0]["email"], "alice@example.com");
  EXPECT_EQ(found["customers"][0]["reason_text"], "");
  EXPECT_EQ(query("q=olg")["total"], 1);  // a name
  EXPECT_EQ(query("q=%40example")["total"], 2);
  EXPECT_EQ(query("q=a%25")["total"], 0);  // "%" is no wildcard

  found = query("state=ignored");
  ASSERT_EQ(found["total"], 1) << found;
  EXPECT_EQ(found["customers"][0]["reason"], "too_old");
  EXPECT_EQ(found["customers"][0]["reason_text"],
            "joined 200 days ago, beyond the 90-day window");
  EXPECT_EQ(query("state=scheduled")["total"], 1);
  EXPECT_EQ(query("state=answered")["total"], 0);
  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(s, "/customers"), "", "state=lost"),
                 400)["message"]
                .get<std::string>()
                .substr(0, 14),
            "state must be ");
}

TEST_F(AdminSurveysTest, AddingAKnownAddressSaysSo) {
  const json s = CreateSurvey(R"({"name":"NPS","automation":true})");
  const std::string add = R"({"recipients":[{"email":"Ada@Example.com"}]})";
  EXPECT_EQ(
      Call(AdminRequest("POST", SurveyPath(s, "/recipients"), add), 200)["existing"], 0);
  EXPECT_EQ(
      Call(AdminRequest("POST", SurveyPath(s, "/recipients"), add), 200)["existing"], 1);
}

}  // namespace
}  // namespace callexa
