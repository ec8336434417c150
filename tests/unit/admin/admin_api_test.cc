#include "admin/admin_api.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/time_format.h"
#include "survey/survey_content.h"
#include "testing/admin_fixture.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = kAdminTestNow;

template <typename Mutate>
HttpRequest Changed(HttpRequest r, Mutate mutate) {
  mutate(&r);
  return r;
}

class AdminApiTest : public AdminApiFixture {
 protected:
  void Identify(const std::string &api_key, const std::string &email) {
    AdminApiFixture::Identify(api_key, {{"email", email}});
  }
};

TEST_F(AdminApiTest, CreateSurveyWithDefaults) {
  const json s = CreateSurvey();
  ASSERT_TRUE(s["id"].is_number_integer()) << s;
  EXPECT_GT(s["id"].get<int64_t>(), 0);
  const std::string key = s["api_key"];
  EXPECT_EQ(key.substr(0, 3), "ck_");
  EXPECT_EQ(key.size(), 43u);
  EXPECT_FALSE(s["public_id"].get<std::string>().empty());
  EXPECT_EQ(s["name"], "NPS");
  EXPECT_EQ(s["min_delay_days"], 3);
  EXPECT_EQ(s["max_delay_days"], 0);
  EXPECT_EQ(s["resurvey_interval_days"], 182);  // 26 weeks
  EXPECT_EQ(s["automation"], false);
  EXPECT_EQ(s["segment_write_key"], "");
  EXPECT_TRUE(s["monthly_budget"].is_null());
  EXPECT_EQ(s["created_at"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(s["updated_at"], "2026-11-28T10:00:00Z");
}

TEST_F(AdminApiTest, CreateSurveyWithSettings) {
  const json s = CreateSurvey(
      R"({"name":"Onboarding","min_delay_days":3,"max_delay_days":14,
          "resurvey_interval_days":90,"automation":true,"monthly_budget":500,
          "segment_write_key":"wk"})");
  EXPECT_EQ(s["name"], "Onboarding");
  EXPECT_EQ(s["max_delay_days"], 14);
  EXPECT_EQ(s["resurvey_interval_days"], 90);
  EXPECT_EQ(s["automation"], true);
  EXPECT_EQ(s["monthly_budget"], 500);
  EXPECT_EQ(s["segment_write_key"], "wk");
}

TEST_F(AdminApiTest, CreateSurveyRejectsBadSettings) {
  const struct {
    const char *body;
    const char *message_part;
  } cases[] = {
      {"", "name is required"},
      {"{}", "name is required"},
      {"[1]", "name is required"},
      {"{\"name\":", "not valid JSON"},
      {R"({"name":"x","colour":"red"})", "\"colour\""},
      {R"({"name":"x","api_key":"ck_mine"})", "api_key is read-only"},
      {R"({"name":"x","id":7})", "id is read-only"},
      {R"({"name":"x","public_id":"p"})", "public_id is read-only"},
      {R"({"name":"x","created_at":"2026-01-01"})", "created_at is read-only"},
      {R"({"name":5})", "name must be a string"},
      {R"({"name":""})", "name must have 1 to 200 bytes"},
      {R"({"name":"x","min_delay_days":"3"})", "min_delay_days must be an integer"},
      {R"({"name":"x","min_delay_days":3.5})", "min_delay_days must be an integer"},
      {R"({"name":"x","min_delay_days":-1})",
       "min_delay_days must be between 0 and 3650"},
      {R"({"name":"x","resurvey_interval_days":3651})", "resurvey_interval_days"},
      {R"({"name":"x","automation":"yes"})", "automation must be true or false"},
      {R"({"name":"x","monthly_budget":-1})", "monthly_budget"},
      {R"({"name":"x","segment_write_key":5})", "segment_write_key"},
      {R"({"name":"x","min_delay_days":5,"max_delay_days":3})",
       "max_delay_days must be 0 or at least min_delay_days"},
  };
  for (const auto &c : cases) {
    const json body = Call(AdminRequest("POST", "api/surveys", c.body), 400);
    ASSERT_TRUE(body.contains("message")) << c.body;
    EXPECT_NE(body["message"].get<std::string>().find(c.message_part), std::string::npos)
        << c.body << " -> " << body;
  }
  // Nothing was created.
  EXPECT_EQ(Call(AdminRequest("GET", "api/surveys"), 200)["surveys"], json::array());
}

TEST_F(AdminApiTest, ListAndGetSurveys) {
  EXPECT_EQ(Call(AdminRequest("GET", "api/surveys"), 200),
            json({{"surveys", json::array()}}));
  const json a = CreateSurvey(R"({"name":"A"})");
  const json b = CreateSurvey(R"({"name":"B"})");

  const json list = Call(AdminRequest("GET", "api/surveys/"), 200)["surveys"];
  ASSERT_EQ(list.size(), 2u) << list;
  EXPECT_EQ(list[0], a);
  EXPECT_EQ(list[1], b);

  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(b)), 200), b);
  EXPECT_EQ(Call(AdminRequest("HEAD", SurveyPath(a)), 200), a);

  const char *const missing[] = {"api/surveys/999", "api/surveys/0", "api/surveys/abc",
                                 "api/surveys/-1", "api/surveys/1234567890123456789"};
  for (const char *path : missing) {
    const json body = Call(AdminRequest("GET", path), 404);
    EXPECT_TRUE(body.contains("message")) << path;
  }
}

TEST_F(AdminApiTest, PatchChangesSettings) {
  const json s = CreateSurvey();
  const json patched = Call(AdminRequest("PATCH", SurveyPath(s),
                                         R"({"automation":true,"max_delay_days":14,
                                        "monthly_budget":500,"name":"Renamed"})"),
                            200, kNow + 60);
  EXPECT_EQ(patched["automation"], true);
  EXPECT_EQ(patched["max_delay_days"], 14);
  EXPECT_EQ(patched["monthly_budget"], 500);
  EXPECT_EQ(patched["name"], "Renamed");
  EXPECT_EQ(patched["min_delay_days"], 3);  // untouched
  EXPECT_EQ(patched["api_key"], s["api_key"]);
  EXPECT_EQ(patched["created_at"], s["created_at"]);
  EXPECT_EQ(patched["updated_at"], "2026-11-28T10:01:00Z");
  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(s)), 200), patched);

  // A rejected patch changes nothing, not even its valid fields.
  Call(AdminRequest("PATCH", SurveyPath(s), R"({"name":"Other","max_delay_days":2})"),
       400);
  Call(AdminRequest("PATCH", SurveyPath(s), R"({"name":"Other","api_key":"x"})"), 400);
  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(s)), 200), patched);

  // null clears the budget; an empty body changes nothing.
  const json cleared =
      Call(AdminRequest("PATCH", SurveyPath(s), R"({"monthly_budget":null})"), 200);
  EXPECT_TRUE(cleared["monthly_budget"].is_null());
  Call(AdminRequest("PATCH", SurveyPath(s), ""), 200);

  Call(AdminRequest("PATCH", "api/surveys/999", R"({"name":"x"})"), 404);
}

TEST_F(AdminApiTest, RotateApiKey) {
  const json s = CreateSurvey(R"({"name":"NPS","automation":true})");
  const json rotated = Call(AdminRequest("POST", SurveyPath(s, "/api-key")), 200);
  EXPECT_NE(rotated["api_key"], s["api_key"]);
  EXPECT_EQ(rotated["public_id"], s["public_id"]);
  EXPECT_EQ(Call(AdminRequest("GET", SurveyPath(s)), 200)["api_key"], rotated["api_key"]);

  // The old key no longer authenticates ingestion.
  IngestJob old_key;
  old_key.api_key = s["api_key"];
  store_->ApplyIngest({&old_key}, kNow);
  EXPECT_EQ(old_key.status.code(), Status::Code::kUnauthorized);

  Call(AdminRequest("POST", "api/surveys/999/api-key"), 404);
  Call(AdminRequest("GET", SurveyPath(s, "/api-key")), 405);
}

TEST_F(AdminApiTest, Customers) {
  const json s = CreateSurvey(R"({"name":"NPS","automation":true})");
  const json other = CreateSurvey(R"({"name":"Other"})");
  Identify(s["api_key"], "Ann@Example.com");
  Identify(s["api_key"], "bob@example.com");
  Identify(s["api_key"], "cat@example.com");
  Identify(other["api_key"], "zed@example.com");

  const json all =
      Call(AdminRequest("GET", SurveyPath(s, "/customers")), 200)["customers"];
  ASSERT_EQ(all.size(), 3u) << all;
  const json &ann = all[0];
  EXPECT_EQ(ann["email"], "ann@example.com");
  EXPECT_EQ(ann["state"], "scheduled");
  EXPECT_TRUE(ann["reason"].is_null());
  EXPECT_TRUE(ann["created_at"].is_null());
  EXPECT_EQ(ann["due_at"], "2026-12-01T10:00:00Z");  // 3 days later
  EXPECT_EQ(ann["first_seen_at"], "2026-11-28T10:00:00Z");
  ASSERT_EQ(ann["invitations"].size(), 1u);
  EXPECT_EQ(ann["invitations"][0]["status"], "scheduled");
  EXPECT_TRUE(ann["invitations"][0]["sent_at"].is_null());

  const auto emails = [](const json &customers) {
    std::string out;
    for (const auto &c : customers)
      out += (out.empty() ? "" : " ") + c["email"].get<std::string>();
    return out;
  };
  const struct {
    const char *query;
    const char *want;
  } cases[] = {
      {"email=ann%40example.com", "ann@example.com"},
      {"email=+ANN%40Example.COM", "ann@example.com"},  // normalised like ingestion
      {"email=zed%40example.com", ""},                  // another survey's customer
      {"limit=2", "ann@example.com bob@example.com"},
      {"limit=2&offset=1", "bob@example.com cat@example.com"},
      {"offset=0", "ann@example.com bob@example.com cat@example.com"},
      {"offset=3", ""},
      {"limit=1000", "ann@example.com bob@example.com cat@example.com"},
  };
  for (const auto &c : cases) {
    const json body =
        Call(AdminRequest("GET", SurveyPath(s, "/customers"), "", c.query), 200);
    EXPECT_EQ(emails(body["customers"]), c.want) << c.query;
  }

  const char *const bad_queries[] = {"email=nobody", "limit=0",   "limit=1001",
                                     "limit=x",      "offset=-1", "offset=1.5"};
  for (const char *query : bad_queries) {
    Call(AdminRequest("GET", SurveyPath(s, "/customers"), "", query), 400);
  }

  Call(AdminRequest("GET", "api/surveys/999/customers"), 404);
  Call(AdminRequest("POST", SurveyPath(s, "/customers"), "{}"), 405);
}

TEST_F(AdminApiTest, CsrfGuardsStateChangingRequests) {
  const HttpRequest create = AdminRequest("POST", "api/surveys", R"({"name":"NPS"})");
  const struct {
    const char *what;
    HttpRequest request;
    int status;
  } cases[] = {
      {"same origin, no headers", create, 201},
      {"text/plain (a form can send it)",
       Changed(create, [](HttpRequest *r) { r->content_type = "text/plain"; }), 415},
      {"form encoding",
       Changed(
           create,
           [](HttpRequest *r) { r->content_type = "application/x-www-form-urlencoded"; }),
       415},
      {"no Content-Type",
       Changed(create, [](HttpRequest *r) { r->content_type.clear(); }), 415},
      {"JSON with charset",
       Changed(
           create,
           [](HttpRequest *r) { r->content_type = "application/json; charset=utf-8"; }),
       201},
      {"Origin of another host",
       Changed(create, [](HttpRequest *r) { r->origin = "https://evil.example"; }), 403},
      {"Origin of another port",
       Changed(create, [](HttpRequest *r) { r->origin = "https://admin.example:8443"; }),
       403},
      {"Origin that only starts like the host",
       Changed(create, [](HttpRequest *r) { r->origin = "https://admin.example.evil"; }),
       403},
      {"Origin null", Changed(create, [](HttpRequest *r) { r->origin = "null"; }), 403},
      {"same Origin, https",
       Changed(create, [](HttpRequest *r) { r->origin = "https://admin.example"; }), 201},
      {"same Origin, http",
       Changed(create, [](HttpRequest *r) { r->origin = "http://admin.example"; }), 201},
      {"Sec-Fetch-Site cross-site",
       Changed(create, [](HttpRequest *r) { r->sec_fetch_site = "cross-site"; }), 403},
      {"Sec-Fetch-Site same-site (a sibling subdomain)",
       Changed(create, [](HttpRequest *r) { r->sec_fetch_site = "same-site"; }), 403},
      {"Sec-Fetch-Site same-origin",
       Changed(create, [](HttpRequest *r) { r->sec_fetch_site = "same-origin"; }), 201},
      {"Sec-Fetch-Site none (typed by the user)",
       Changed(create, [](HttpRequest *r) { r->sec_fetch_site = "none"; }), 201},
      {"cross-site although the Origin matches",
       Changed(create,
               [](HttpRequest *r) {
                 r->origin = "https://admin.example";
                 r->sec_fetch_site = "cross-site";
               }),
       403},
      // Reads change nothing and are not checked.
      {"GET with foreign Origin and no JSON",
       Changed(AdminRequest("GET", "api/surveys"),
               [](HttpRequest *r) {
                 r->content_type.clear();
                 r->origin = "https://evil.example";
                 r->sec_fetch_site = "cross-site";
               }),
       200},
  };
  for (const auto &c : cases) {
    const HttpResponse resp = api_->Handle(c.request, kNow);
    EXPECT_EQ(resp.status, c.status) << c.what << ": " << resp.body;
    if (c.request.method == "POST") {
      // The guard alone gives the same verdict.
      EXPECT_EQ(CheckSameOrigin(c.request).ok(), c.status == 201) << c.what;
    }
  }
}

TEST_F(AdminApiTest, CsrfGuardCoversPatchAndRotate) {
  const json s = CreateSurvey();
  const auto foreign = [](HttpRequest r) {
    r.origin = "https://evil.example";
    return r;
  };
  Call(foreign(AdminRequest("PATCH", SurveyPath(s), R"({"name":"Pwned"})")), 403);
  Call(foreign(AdminRequest("POST", SurveyPath(s, "/api-key"))), 403);
  const json now = Call(AdminRequest("GET", SurveyPath(s)), 200);
  EXPECT_EQ(now["name"], "NPS");
  EXPECT_EQ(now["api_key"], s["api_key"]);
}

TEST_F(AdminApiTest, UnknownRoutesAndMethods) {
  const json s = CreateSurvey();
  const struct {
    HttpRequest request;
    int status;
  } cases[] = {
      {AdminRequest("GET", "nope.html"), 404},
      {AdminRequest("GET", "api"), 404},
      {AdminRequest("GET", "api/nope"), 404},
      {AdminRequest("GET", "surveys"), 404},
      {AdminRequest("GET", "api/surveys/1/extra"), 404},
      {AdminRequest("GET", SurveyPath(s, "/customers/1")), 404},
      {AdminRequest("GET", SurveyPath(s, "/api-key/x")), 404},
      {AdminRequest("DELETE", "api/surveys"), 405},
      {AdminRequest("PUT", "api/surveys", R"({"name":"x"})"), 405},
      {AdminRequest("DELETE", SurveyPath(s)), 400},  // without {"confirm": its name}
      {AdminRequest("PUT", SurveyPath(s), R"({"name":"x"})"), 405},
      {AdminRequest("PATCH", SurveyPath(s, "/api-key")), 405},
      {AdminRequest("DELETE", SurveyPath(s, "/customers")), 405},
  };
  for (const auto &c : cases) {
    const json body = Call(c.request, c.status);
    EXPECT_TRUE(body.contains("message")) << c.request.method << " " << c.request.path;
  }
  // The survey is still there after DELETE.
  Call(AdminRequest("GET", SurveyPath(s)), 200);
}

TEST_F(AdminApiTest, ContentIsShownValidatedAndMergePatched) {
  const json s = CreateSurvey(
      R"({"name":"NPS","content":{"language":"de","tags":["Support","Preis"]}})");
  EXPECT_EQ(s["content"]["language"], "de");
  EXPECT_EQ(s["content"]["tags"], json({"Support", "Preis"}));
  EXPECT_EQ(s["content"]["subject"], "");
  json patched = Call(AdminRequest("PATCH", SurveyPath(s),
                                   R"({"content":{"thank_you":"Danke!","tags":null}})"),
                      200);
  EXPECT_EQ(patched["content"]["language"], "de");  // kept
  // A rich text sent as a string comes back as its document.
  EXPECT_EQ(patched["content"]["thank_you"],
            json::parse(R"({"type":"doc","content":[{"type":"paragraph",
                           "content":[{"type":"text","text":"Danke!"}]}]})"));
  EXPECT_EQ(patched["content"]["tags"], json::array());
  const json bad =
      Call(AdminRequest("PATCH", SurveyPath(s), R"({"content":{"tags":["a", 2]}})"), 400);
  EXPECT_EQ(bad["message"], "content.tags[1] must be a string");
  Call(AdminRequest("PATCH", SurveyPath(s), R"({"content":"x"})"), 400);
  // The stored form is what the scheduler and pages parse.
  auto stored = store_->GetSurvey(s["id"].get<int64_t>());
  ASSERT_TRUE(stored.ok());
  Result<SurveyContent> content = ParseSurveyContent(stored->content_json);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(content->page.thank_you, "Danke!");
  EXPECT_EQ(content->email.low_label, "Unwahrscheinlich");
}

TEST_F(AdminApiTest, DeeplyNestedBodiesAreRefused) {
  const json s = CreateSurvey(R"({"name":"NPS"})");
  const std::string arrays = std::string(100000, '[') + std::string(100000, ']');
  const json bad = Call(
      AdminRequest("PATCH", SurveyPath(s), R"({"content":{"intro":)" + arrays + "}}"),
      400);
  EXPECT_EQ(bad["message"], "request body nests JSON more than 64 levels deep");
  std::string doc = R"({"type":"doc","content":[)";
  for (int i = 0; i < 10000; ++i) doc += R"({"type":"paragraph","content":[)";
  for (int i = 0; i < 10000; ++i) doc += "]}";
  doc += "]}";
  Call(AdminRequest("POST", SurveyPath(s) + "/preview",
                    R"({"content":{"footer":)" + doc + "}}"),
       400);
}

TEST_F(AdminApiTest, RecipientsGoThroughEligibility) {
  const json s = CreateSurvey(
      R"({"name":"NPS","automation":true,"min_delay_days":3,"max_delay_days":14})");
  const json r =
      Call(AdminRequest("POST", SurveyPath(s, "/recipients"), R"({"recipients":[
      {"email":" Ada@Example.com ","first_name":"Ada","created_at":"2026-11-27"},
      {"email":"old@example.com","created_at":"2020-01-01T00:00:00Z"},
      {"email":"bob@example.com","user_id":"u2","last_name":"B","name":"Bob B"}]})"),
           200);
  EXPECT_EQ(r["received"], 3);
  EXPECT_EQ(r["stored"], 3);
  EXPECT_EQ(r["scheduled"], 2);  // too old for "survey new customers"
  const json ada = Call(
      AdminRequest("GET", SurveyPath(s, "/customers"), "", "email=ada@example.com"), 200);
  ASSERT_EQ(ada["customers"].size(), 1u);
  EXPECT_EQ(ada["customers"][0]["first_name"], "Ada");
  EXPECT_EQ(ada["customers"][0]["state"], "scheduled");
  const json old = Call(
      AdminRequest("GET", SurveyPath(s, "/customers"), "", "email=old@example.com"), 200);
  EXPECT_EQ(old["customers"][0]["reason"], "too_old");
}

TEST_F(AdminApiTest, RecipientsAreAllOrNothing) {
  const json s = CreateSurvey(R"({"name":"NPS","automation":true})");
  const json bad =
      Call(AdminRequest("POST", SurveyPath(s, "/recipients"), R"({"recipients":[
      {"email":"a@example.com"}, {"email":"not an address"}]})"),
           400);
  EXPECT_EQ(bad["message"], "recipients[1].email is not a valid email address");
  const json none = Call(AdminRequest("GET", SurveyPath(s, "/customers")), 200);
  EXPECT_TRUE(none["customers"].empty());
  // CSV travels inside JSON: a text/csv body is refused like any non-JSON.
  HttpRequest csv =
      AdminRequest("POST", SurveyPath(s, "/recipients"), "email\na@example.com");
  csv.content_type = "text/csv";
  Call(csv, 415);
  Call(AdminRequest("GET", SurveyPath(s, "/recipients")), 405);
  Call(AdminRequest("POST", "api/surveys/999/recipients", R"({"recipients":[]})"), 404);
}

TEST_F(AdminApiTest, RecipientsFromCsv) {
  const json s = CreateSurvey(R"({"name":"NPS","automation":true})");
  const json body = {
      {"csv",
       "Email,First_Name,plan\r\na@example.com,Ann,pro\r\n\"b@example.com\",\"B, "
       "\"\"Bee\"\"\",free\r\n"}};
  const json r =
      Call(AdminRequest("POST", SurveyPath(s, "/recipients"), body.dump()), 200);
  EXPECT_EQ(r["stored"], 2);
  EXPECT_EQ(r["scheduled"], 2);
  EXPECT_EQ(r["ignored_columns"], json({"plan"}));
  const json b = Call(
      AdminRequest("GET", SurveyPath(s, "/customers"), "", "email=b@example.com"), 200);
  EXPECT_EQ(b["customers"][0]["first_name"], "B, \"Bee\"");
}

TEST_F(AdminApiTest, ResponsesListAnswers) {
  const json s = CreateSurvey(R"({"name":"NPS","automation":true,"min_delay_days":0})");
  Identify(s["api_key"], "ada@example.com");
  auto claims = store_->ClaimDueInvitations(kNow, 10, 60, "t");
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 1u);
  Answer a;
  a.score = 9;
  a.comment = "Nice";
  a.tag_ratings["Support"] = 5;
  a.extra_answers["feature"] = "API";
  a.consent = true;
  ASSERT_TRUE(
      store_->SaveAnswer(claims->front().invitation_id, a, false, kNow + 60).ok());
  json r = Call(AdminRequest("GET", SurveyPath(s, "/responses")), 200);
  ASSERT_EQ(r["responses"].size(), 1u);
  EXPECT_EQ(
      r["responses"][0], json::parse(R"({
      "invitation_id": )" + std::to_string(claims->front().invitation_id) +
                                     R"(, "customer_id": 1, "email": "ada@example.com",
      "first_name": "", "last_name": "", "name": "", "score": 9, "comment": "Nice",
      "tag_ratings": {"Support": 5}, "extra_answers": {"feature": "API"},
      "consent": true, "created_at": "2026-11-28T10:01:00Z",
      "answered_at": "2026-11-28T10:01:00Z", "follow_up": null})"));
  r = Call(AdminRequest("GET", SurveyPath(s, "/responses"), "", "from=2026-11-29"), 200);
  EXPECT_TRUE(r["responses"].empty());
  r = Call(AdminRequest("GET", SurveyPath(s, "/responses"), "",
                        "from=2026-11-28T10:00:00Z&to=2026-11-28T10:02:00Z&limit=5"),
           200);
  EXPECT_EQ(r["responses"].size(), 1u);
  const json bad =
      Call(AdminRequest("GET", SurveyPath(s, "/responses"), "", "from=yesterday"), 400);
  EXPECT_EQ(bad["message"], "from must be an ISO-8601 date or date-time");
  Call(AdminRequest("GET", SurveyPath(s, "/responses"), "", "limit=0"), 400);
  const json customers = Call(AdminRequest("GET", SurveyPath(s, "/customers")), 200);
  EXPECT_EQ(customers["customers"][0]["state"], "answered");
  EXPECT_EQ(customers["customers"][0]["invitations"][0]["answered_at"],
            "2026-11-28T10:01:00Z");
}

}  // namespace
}  // namespace callexa
