// The customer page's and the trait filters' routes: GET
// api/surveys/{id}/customers/{customer_id}, api/surveys/{id}/traits, the
// responses list by trait and the CSV export's chosen columns.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/admin_api.h"
#include "admin/report_routes.h"
#include "common/time_format.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

int64_t T(const std::string &iso) { return ParseIso8601(iso).value(); }

HttpRequest Get(std::string path, std::string query = "") {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  r.host = "admin.example";
  return r;
}

class InsightsRoutesTest : public ::testing::Test {
 protected:
  InsightsRoutesTest() {
    api_ = std::make_unique<AdminApi>(store_.get());
    survey_ = store_.NewSurvey();
  }

  // An identify with `traits` (and userId), the invitation sent, answered
  // a minute later with `score`; the customer's id.
  int64_t Answered(const std::string &email, json traits, int score, int64_t at,
                   const std::string &comment = "") {
    traits["email"] = email;
    json m = {{"type", "identify"}, {"traits", traits}};
    m["userId"] = "user-" + email.substr(0, email.find('@'));
    auto parsed = ParseSpecMessage(m, "");
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    IngestJob job;
    job.api_key = survey_.api_key;
    job.identifies.push_back(*parsed->identify);
    store_->ApplyIngest({&job}, at);
    auto claims = store_->ClaimDueInvitations(at, 100, 60, "test");
    EXPECT_TRUE(claims.ok() && claims->size() == 1u);
    if (!claims.ok() || claims->empty()) return 0;
    DeliveryRecord sent;
    sent.invitation_id = claims->front().invitation_id;
    EXPECT_TRUE(store_->RecordDeliveries({sent}, at, "test").ok());
    callexa::Answer a;
    a.score = score;
    a.comment = comment;
    EXPECT_TRUE(store_->SaveAnswer(sent.invitation_id, a, false, at + 60).ok());
    CustomerQuery q;
    q.survey_id = survey_.id;
    q.email = email;
    return store_->FindCustomers(q).value().at(0).id;
  }

  std::string Path(const std::string &tail) {
    return "api/surveys/" + std::to_string(survey_.id) + "/" + tail;
  }

  json GetJson(const std::string &path, const std::string &query = "",
               int want_status = 200) {
    const HttpResponse r = api_->Handle(Get(path, query), kNow);
    EXPECT_EQ(r.status, want_status) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  static std::string Body(const HttpResponse &r) {
    std::string body;
    EXPECT_NE(r.stream, nullptr);
    for (int i = 0; r.stream && i < 1000; ++i) {
      auto piece = r.stream->Next();
      EXPECT_TRUE(piece.ok());
      if (!piece.ok() || piece->empty()) break;
      body += *piece;
    }
    return body;
  }

  TempStore store_;
  std::unique_ptr<AdminApi> api_;
  Survey survey_;
};

TEST_F(InsightsRoutesTest, CustomerPageData) {
  const int64_t ada =
      Answered("ada@example.com", {{"firstName", "Ada"}, {"plan", "pro"}, {"seats", 3}},
               4, T("2026-11-02T09:00:00Z"), "Too slow <b>really</b>");
  const json c = GetJson(Path("customers/" + std::to_string(ada)));
  EXPECT_EQ(c["customer"]["id"], ada);
  EXPECT_EQ(c["customer"]["email"], "ada@example.com");
  EXPECT_EQ(c["customer"]["user_id"], "user-ada");
  EXPECT_EQ(c["customer"]["first_name"], "Ada");
  EXPECT_EQ(c["customer"]["first_seen_at"], "2026-11-02T09:00:00Z");
  EXPECT_EQ(c["customer"]["state"], "answered");
  EXPECT_EQ(c["customer"]["traits"]["plan"], "pro");
  EXPECT_EQ(c["customer"]["traits"]["seats"], 3);
  ASSERT_EQ(c["customer"]["invitations"].size(), 1u);
  EXPECT_EQ(c["customer"]["invitations"][0]["status"], "answered");
  EXPECT_EQ(c["customer"]["invitations"][0]["sent_at"], "2026-11-02T09:00:00Z");
  ASSERT_EQ(c["answers"].size(), 1u);
  EXPECT_EQ(c["answers"][0]["score"], 4);
  EXPECT_EQ(c["answers"][0]["band"], "detractor");
  EXPECT_EQ(c["answers"][0]["comment"], "Too slow <b>really</b>");
  EXPECT_EQ(c["answers"][0]["answered_at"], "2026-11-02T09:01:00Z");
  EXPECT_EQ(c["answers"][0]["customer_id"], ada);
  EXPECT_EQ(c["customer"]["reason_text"], "");

  // Identified again too soon: why nothing was scheduled, in words.
  IngestJob again;
  again.api_key = survey_.api_key;
  again.identifies.push_back(
      *ParseSpecMessage(
           {{"type", "identify"}, {"traits", {{"email", "ada@example.com"}}}}, "")
           ->identify);
  store_->ApplyIngest({&again}, kNow - 60);
  const json later = GetJson(Path("customers/" + std::to_string(ada)));
  EXPECT_EQ(later["customer"]["reason"], "recently_surveyed");
  EXPECT_NE(later["customer"]["reason_text"].get<std::string>().find("surveyed"),
            std::string::npos);
  EXPECT_NE(later["customer"]["reason_text"], "recently_surveyed");

  EXPECT_EQ(GetJson(Path("customers/999"), "", 404)["message"],
            "customer 999 not found in survey " + std::to_string(survey_.id));
  EXPECT_EQ(GetJson(Path("customers/abc"), "", 404)["message"],
            "customer \"abc\" not found");
  EXPECT_EQ(
      GetJson("api/surveys/999/customers/" + std::to_string(ada), "", 404).is_object(),
      true);
  HttpRequest post = Get(Path("customers/" + std::to_string(ada)));
  post.method = "POST";
  post.content_type = "application/json";
  EXPECT_EQ(api_->Handle(post, kNow).status, 405);
}

TEST_F(InsightsRoutesTest, TraitsListNamesAndCommonValues) {
  Answered("a@example.com", {{"plan", "pro"}, {"company", "Acme"}}, 10, kNow - 3600);
  Answered("b@example.com", {{"plan", "pro"}}, 9, kNow - 3600);
  Answered("c@example.com", {{"plan", "free"}, {"beta", true}}, 2, kNow - 3600);
  const json t = GetJson(Path("traits"));
  ASSERT_EQ(t["traits"].size(), 3u);
  EXPECT_EQ(t["traits"][0], json({{"name", "plan"},
                                  {"customers", 3},
                                  {"values",
                                   {{{"value", "pro"}, {"customers", 2}},
                                    {{"value", "free"}, {"customers", 1}}}},
                                  {"more_values", false}}));
  EXPECT_EQ(t["traits"][1]["name"], "beta");
  EXPECT_EQ(t["traits"][1]["values"][0]["value"], "true");
  EXPECT_EQ(t["traits"][2]["name"], "company");
  EXPECT_EQ(api_->LaneFor(Get(Path("traits"))), Lane::kReports);
  EXPECT_EQ(api_->LaneFor(Get(Path("customers/1"))), Lane::kRequests);
  EXPECT_EQ(GetJson("api/surveys/999/traits", "", 404).is_object(), true);
}

TEST_F(InsightsRoutesTest, ResponsesFilterByTrait) {
  const int64_t ada = Answered("ada@example.com", {{"plan", "pro"}}, 10, kNow - 7200);
  Answered("bob@example.com", {{"plan", "free"}}, 3, kNow - 3600);
  json r = GetJson(Path("responses"), "trait.plan=pro");
  ASSERT_EQ(r["responses"].size(), 1u);
  EXPECT_EQ(r["responses"][0]["email"], "ada@example.com");
  EXPECT_EQ(r["responses"][0]["customer_id"], ada);
  EXPECT_EQ(
      GetJson(Path("responses"), "trait.plan=pro&band=detractor")["responses"].size(),
      0u);
  EXPECT_EQ(GetJson(Path("responses"))["responses"].size(), 2u);
  EXPECT_EQ(GetJson(Path("responses"), "trait.pl%20an=x", 400)["message"],
            "trait.pl an: a trait name is 1 to 64 letters, digits or underscores");
  EXPECT_EQ(GetJson(Path("responses"), "trait.plan=a&trait.plan=b", 400)["message"],
            "trait.plan is given more than once");
}

TEST_F(InsightsRoutesTest, CsvAddsUserIdAndChosenTraits) {
  Answered("ada@example.com", {{"plan", "pro"}, {"seats", 3}}, 10,
           T("2026-11-02T09:00:00Z"));
  Answered("bob@example.com", {{"plan", "free"}}, 3, T("2026-11-03T09:00:00Z"));
  const HttpResponse r = api_->Handle(
      Get(Path("responses.csv"),
          "from=2026-11-01&to=2026-11-30&columns=user_id,trait.plan,trait.seats"),
      kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r),
            "\xEF\xBB\xBF"
            "answered_at,email,first_name,last_name,score,band,comment,consent,user_id,"
            "trait:plan,trait:seats\r\n"
            "2026-11-02T09:01:00Z,ada@example.com,,,10,promoter,,no,user-ada,pro,3\r\n"
            "2026-11-03T09:01:00Z,bob@example.com,,,3,detractor,,no,user-bob,free,\r\n");
  const HttpResponse pro = api_->Handle(
      Get(Path("responses.csv"), "from=2026-11-01&trait.plan=pro&columns=trait.plan"),
      kNow);
  const std::string body = Body(pro);
  EXPECT_NE(body.find("ada@example.com"), std::string::npos);
  EXPECT_EQ(body.find("bob@example.com"), std::string::npos);

  const auto error = [&](const std::string &query) {
    const HttpResponse e = api_->Handle(Get(Path("responses.csv"), query), kNow);
    EXPECT_EQ(e.status, 400);
    return json::parse(e.body)["message"].get<std::string>();
  };
  EXPECT_EQ(error("columns=email"), "columns: \"email\" is not user_id or trait.<name>");
  EXPECT_EQ(error("columns=user_id,user_id"), "columns names user_id twice");
  EXPECT_EQ(error("columns="), "columns: \"\" is not user_id or trait.<name>");
  const HttpResponse stats = api_->Handle(Get(Path("stats"), "columns=user_id"), kNow);
  EXPECT_EQ(stats.status, 400);
  EXPECT_EQ(json::parse(stats.body)["message"], "columns applies to responses.csv only");
}

}  // namespace
}  // namespace callexa
