// The admin routes the UI needs beside the survey settings: preview, test
// email, logo upload, delivery overview, suppressions.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admin/admin_api.h"
#include "common/encoding.h"
#include "survey/survey_links.h"
#include "survey/survey_pages.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

class FakeTransport : public MailTransport {
 public:
  SendResult Send(const OutgoingMail &mail) override {
    sent.push_back(mail);
    return result;
  }
  std::vector<OutgoingMail> sent;
  SendResult result{SendOutcome::kSent, 250, "ok"};
};

HttpRequest Request(std::string method, std::string path, json body = nullptr,
                    std::string query = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.content_type = "application/json";
  r.host = "admin.example";
  if (!body.is_null()) r.body = body.dump();
  return r;
}

class AdminRoutesTest : public ::testing::Test {
 protected:
  AdminRoutesTest() {
    AdminOptions options;
    options.preview.survey_base_url = "https://nps.example.com/s/";
    options.preview.sender = {"Acme", "nps@acme.example"};
    options.preview.message_id_domain = "nps.example.com";
    options.logo_base_url = "https://nps.example.com/s/";
    options.test_mail = &transport_;
    api_ = std::make_unique<AdminApi>(store_.get(), options);
    survey_ = store_.NewSurvey(R"({"subject":"How did we do?"})");
  }

  json Call(const HttpRequest &r, int want_status) {
    const HttpResponse resp = api_->Handle(r, kNow);
    EXPECT_EQ(resp.status, want_status)
        << r.method << " " << r.path << " -> " << resp.body;
    json body = json::parse(resp.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << resp.body;
    return body;
  }

  std::string Path(const std::string &tail) {
    return "api/surveys/" + std::to_string(survey_.id) + tail;
  }

  TempStore store_;
  FakeTransport transport_;
  std::unique_ptr<AdminApi> api_;
  Survey survey_;
};

TEST_F(AdminRoutesTest, PreviewRendersTheDraftWithoutSavingIt) {
  const json p =
      Call(Request("POST", Path("/preview"),
                   {{"content", {{"question", "Would you <b>recommend</b> us?"}}}}),
           200);
  EXPECT_EQ(p["subject"], "How did we do?");  // saved value, the draft kept it
  const std::string html = p["html"];
  EXPECT_NE(html.find("Would you &lt;b&gt;recommend&lt;/b&gt; us?"), std::string::npos);
  EXPECT_NE(html.find("https://nps.example.com/s/"), std::string::npos);
  EXPECT_NE(p["text"].get<std::string>().find("Would you <b>recommend</b> us?"),
            std::string::npos);
  EXPECT_NE(p["page_html"].get<std::string>().find("<html"), std::string::npos);
  // Nothing was saved.
  EXPECT_EQ(store_->GetSurvey(survey_.id)->content_json, survey_.content_json);
}

TEST_F(AdminRoutesTest, PreviewRefusesBadContentNamingTheField) {
  const json e = Call(
      Request("POST", Path("/preview"), {{"content", {{"brand_color", "red"}}}}), 400);
  EXPECT_NE(e["message"].get<std::string>().find("brand_color"), std::string::npos);
}

TEST_F(AdminRoutesTest, TestEmailGoesThroughTheTransportMarkedAsATest) {
  const json r =
      Call(Request("POST", Path("/test-email"), {{"to", "Owner@Acme.example"}}), 200);
  EXPECT_EQ(r["sent"], true);
  ASSERT_EQ(transport_.sent.size(), 1u);
  const OutgoingMail &m = transport_.sent[0];
  EXPECT_EQ(m.recipient, "owner@acme.example");
  EXPECT_EQ(m.envelope_from, "nps@acme.example");
  EXPECT_NE(m.data.find("Subject: [Test] How did we do?"), std::string::npos);
  EXPECT_NE(m.data.find("X-Callexa-Test: yes"), std::string::npos);
  // Not an invitation: nobody is scheduled, nothing is counted.
  auto overview = store_->GetDeliveryOverview(survey_.id, 10);
  ASSERT_TRUE(overview.ok());
  for (const auto &[status, n] : overview->counts) {
    EXPECT_EQ(n, 0) << InvitationStatusName(status);
  }
}

TEST_F(AdminRoutesTest, TestEmailErrors) {
  Call(Request("POST", Path("/test-email"), json::object()), 400);
  Call(Request("POST", Path("/test-email"), {{"to", "not an address"}}), 400);
  transport_.result = {SendOutcome::kTemporaryFailure, 0, "connection refused"};
  const json e = Call(Request("POST", Path("/test-email"), {{"to", "a@b.example"}}), 503);
  EXPECT_NE(e["message"].get<std::string>().find("connection refused"),
            std::string::npos);
  AdminApi off(store_.get());  // survey emails not configured
  EXPECT_EQ(
      off.Handle(Request("POST", Path("/test-email"), {{"to", "a@b.example"}}), kNow)
          .status,
      409);
}

TEST_F(AdminRoutesTest, LogoUploadIsStoredAndServedByItsHash) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
  const json r =
      Call(Request("POST", Path("/logo"),
                   {{"content_type", "image/png"}, {"data", Base64Encode(png)}}),
           201);
  const std::string url = r["logo_url"];
  ASSERT_EQ(url.rfind("https://nps.example.com/s/logo/", 0), 0u) << url;
  const std::string key = url.substr(url.rfind('/') + 1);
  auto stored = store_->GetImage(key);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->bytes, png);
  EXPECT_EQ((*stored)->content_type, "image/png");
  Call(Request("POST", Path("/logo"),
               {{"content_type", "image/svg+xml"}, {"data", Base64Encode("<svg/>")}}),
       415);

  // The survey location serves it to mail clients, cached for good.
  SurveyPages pages(store_.get());
  HttpRequest get;
  get.method = "GET";
  get.path = "logo/" + key;
  HttpResponse img = pages.Handle(get, kNow);
  EXPECT_EQ(img.status, 200);
  EXPECT_EQ(img.content_type, "image/png");
  EXPECT_EQ(img.body, png);
  EXPECT_EQ(img.cache, CachePolicy::kImmutable);
  get.path = "logo/" + std::string(64, '0') + ".png";
  EXPECT_EQ(pages.Handle(get, kNow).status, 404);
  get.path = "logo/../../etc/passwd";
  EXPECT_EQ(pages.Handle(get, kNow).status, 404);
}

TEST_F(AdminRoutesTest, TestEmailLinksSayTheyAreATest) {
  auto secret = store_->TokenSecret();
  ASSERT_TRUE(secret.ok());
  const SurveyLinks links =
      MakeSurveyLinks("https://nps.example.com/s/", 0, *secret, kNow);
  HttpRequest get;
  get.method = "GET";
  get.path = links.score_urls[9].substr(std::string("https://nps.example.com/s/").size());
  get.path = get.path.substr(0, get.path.find('?'));
  SurveyPages pages(store_.get());
  const HttpResponse r = pages.Handle(get, kNow);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("test email"), std::string::npos);
}

TEST_F(AdminRoutesTest, DeliveryOverviewCountsEveryStatus) {
  store_.Identify(survey_, "a@example.com", kNow);
  store_.SentInvitation(survey_, "b@example.com", kNow);
  const json d = Call(Request("GET", Path("/delivery")), 200);
  EXPECT_EQ(d["sent"], 2);  // b's claim took a's due invitation too
  EXPECT_EQ(d["failed"], 0);
  EXPECT_TRUE(d["last_errors"].is_array());
  Call(Request("POST", Path("/delivery")), 405);
}

TEST_F(AdminRoutesTest, SuppressionsAreListedAndLifted) {
  const int64_t id = store_.SentInvitation(survey_, "ann@example.com", kNow);
  ASSERT_TRUE(store_->Unsubscribe(id, kNow).ok());
  json list = Call(Request("GET", "api/suppressions"), 200);
  ASSERT_EQ(list["total"], 1);
  EXPECT_EQ(list["suppressions"][0]["email"], "ann@example.com");
  EXPECT_EQ(list["suppressions"][0]["reason"], "unsubscribed");
  EXPECT_EQ(Call(Request("GET", "api/suppressions", nullptr, "email=nobody%40x.example"),
                 200)["total"],
            0);
  Call(Request("POST", "api/suppressions/lift", {{"email", "ANN@example.com"}}), 200);
  EXPECT_EQ(Call(Request("GET", "api/suppressions"), 200)["total"], 0);
  Call(Request("POST", "api/suppressions/lift", {{"email", "ann@example.com"}}), 404);
  Call(Request("POST", "api/suppressions/lift", json::object()), 400);
  Call(Request("GET", "api/suppressions/lift"), 405);
  Call(Request("POST", "api/suppressions"), 405);
  // Cross-site posts are refused like every other change.
  HttpRequest forged =
      Request("POST", "api/suppressions/lift", {{"email", "x@y.example"}});
  forged.origin = "https://evil.example";
  Call(forged, 403);
}

TEST_F(AdminRoutesTest, SurveyListCountsOnRequest) {
  store_.SentInvitation(survey_, "a@example.com", kNow);
  const json plain = Call(Request("GET", "api/surveys"), 200);
  EXPECT_FALSE(plain.contains("counts"));
  const json counted =
      Call(Request("GET", "api/surveys", nullptr, "include=counts"), 200);
  EXPECT_EQ(counted["counts"][std::to_string(survey_.id)]["sent_this_month"], 1);
  EXPECT_EQ(counted["counts"][std::to_string(survey_.id)]["answers"], 0);
  EXPECT_EQ(Call(Request("GET", Path("/customers")), 200)["total"], 1);
}

TEST_F(AdminRoutesTest, TestimonialsAreModerated) {
  const int64_t id = store_.SentInvitation(survey_, "ada@example.com", kNow, "Ada");
  Answer a;
  a.score = 10;
  a.comment = "Quick and kind. Would buy again.";
  a.consent = true;
  a.consent_text = "You may quote me with my first name";
  ASSERT_TRUE(store_->SaveAnswer(id, a, false, kNow).ok());

  json list = Call(Request("GET", Path("/testimonials")), 200);
  ASSERT_EQ(list["testimonials"].size(), 1u);
  EXPECT_EQ(list["testimonials"][0]["status"], "pending");
  EXPECT_EQ(list["testimonials"][0]["consent_text"],
            "You may quote me with my first name");
  EXPECT_EQ(list["testimonials"][0]["name_format"], "first_name");  // as consented
  EXPECT_EQ(list["testimonials"][0]["display_name"], "Ada");
  EXPECT_NE(list["embed"]["snippet"].get<std::string>().find(
                "<div data-callexa-testimonials=\"" + survey_.public_id + "\"></div>"),
            std::string::npos);
  EXPECT_EQ(list["embed"]["script_url"],
            "/embed/" + survey_.public_id + "/testimonials.js");

  const std::string base = Path("/testimonials/" + std::to_string(id));
  Call(Request("POST", base + "/approve", {{"display_text", "Would sell again."}}), 400);
  Call(Request("POST", base + "/approve", {{"display_name", "full_name"}}), 400);
  Call(Request("POST", base + "/approve", {{"colour", "red"}}), 400);
  Call(Request("POST", base + "/reject", {{"display_text", "x"}}), 400);
  json done =
      Call(Request("POST", base + "/approve",
                   {{"display_text", "Quick and kind."}, {"display_name", "initials"}}),
           200);
  EXPECT_EQ(done["status"], "approved");
  EXPECT_EQ(done["display_text"], "Quick and kind.");
  EXPECT_EQ(done["display_name"], "A.");
  EXPECT_EQ(Call(Request("GET", Path("/testimonials"), nullptr, "status=approved"),
                 200)["testimonials"]
                .size(),
            1u);
  Call(Request("GET", Path("/testimonials"), nullptr, "status=maybe"), 400);
  Call(Request("GET", base + "/approve"), 405);
  Call(Request("POST", Path("/testimonials/999999/approve"), json::object()), 404);
  Call(Request("POST", base + "/delete", json::object()), 404);
  json rejected = Call(Request("POST", base + "/reject", json::object()), 200);
  EXPECT_EQ(rejected["status"], "rejected");
}

TEST_F(AdminRoutesTest, EmbedOriginsAreOriginsOnly) {
  Call(Request("PATCH", Path(""), {{"embed_origins", {"https://Acme.example/"}}}), 200);
  EXPECT_EQ(store_->GetSurvey(survey_.id)->embed_origins,
            std::vector<std::string>{"https://acme.example"});
  Call(Request("PATCH", Path(""), {{"embed_origins", {"https://acme.example/page"}}}),
       400);
  Call(Request("PATCH", Path(""), {{"embed_origins", {"javascript:alert(1)"}}}), 400);
  Call(Request("PATCH", Path(""), {{"embed_origins", "https://acme.example"}}), 400);
  Call(Request("PATCH", Path(""), {{"embed_origins", nullptr}}), 200);
  EXPECT_TRUE(store_->GetSurvey(survey_.id)->embed_origins.empty());
}

}  // namespace
}  // namespace callexa

namespace callexa {
namespace {

// The editor's preview marks every editable text, and only there: the
// sent email's HTML is the unmarked one.
TEST_F(AdminRoutesTest, PreviewMarksEditableTextsAndResolvesDefaults) {
  const json p =
      Call(Request("POST", Path("/preview"), {{"content", json::object()}, {"score", 3}}),
           200);
  const std::string editable = p["editable"]["html"];
  for (const char *field : {"greeting", "intro", "question", "low_label", "high_label",
                            "footer", "unsubscribe_text"}) {
    EXPECT_NE(editable.find(std::string("data-callexa-field=\"") + field + "\""),
              std::string::npos)
        << field;
  }
  EXPECT_EQ(p["html"].get<std::string>().find("data-callexa-field"), std::string::npos);
  const std::string page = p["editable"]["page_html"];
  for (const char *field :
       {"title", "question", "followup_detractor", "consent_text", "submit_label"}) {
    EXPECT_NE(page.find(std::string("data-callexa-field=\"") + field + "\""),
              std::string::npos)
        << field;
  }
  EXPECT_EQ(page.find("<script"), std::string::npos);  // the frame runs none
  EXPECT_NE(p["editable"]["thank_you_html"].get<std::string>().find(
                "data-callexa-field=\"thank_you\""),
            std::string::npos);
  // Defaults filled in, the placeholder kept: what the owner starts from.
  EXPECT_EQ(p["resolved_content"]["subject"], "How did we do?");
  EXPECT_NE(p["resolved_content"]["greeting"].get<std::string>().find("{first_name}"),
            std::string::npos);
  const json bad = Call(Request("POST", Path("/preview"), {{"score", 11}}), 400);
  EXPECT_NE(bad["message"].get<std::string>().find("score"), std::string::npos);
}

// The import preview names every bad row and stores nothing.
TEST_F(AdminRoutesTest, RecipientsDryRunPreviewsWithoutStoring) {
  const json p = Call(Request("POST", Path("/recipients"),
                              {{"dry_run", true},
                               {"csv",
                                "email,first_name,plan\nok@example.com,Ok,pro\n"
                                "nope,Bad,free\nalso-bad,,\n"}}),
                      200);
  EXPECT_EQ(p["rows"], 3);
  EXPECT_EQ(p["valid"], 1);
  EXPECT_EQ(p["rejected_count"], 2);
  ASSERT_EQ(p["rejected"].size(), 2u);
  EXPECT_EQ(p["rejected"][0], "csv line 3: email is not a valid email address");
  EXPECT_EQ(p["columns"], json({"email", "first_name"}));
  EXPECT_EQ(p["ignored_columns"], json({"plan"}));
  EXPECT_EQ(p["sample"][0]["email"], "ok@example.com");
  EXPECT_EQ(Call(Request("GET", Path("/customers")), 200)["total"], 0);
  // Without dry_run the same file is refused as a whole, naming the row.
  const json e = Call(
      Request("POST", Path("/recipients"), {{"csv", "email\nok@example.com\nnope\n"}}),
      400);
  EXPECT_EQ(e["message"], "csv line 3: email is not a valid email address");
  Call(Request("POST", Path("/recipients"), {{"dry_run", "yes"}, {"csv", "email\n"}}),
       400);
}

TEST_F(AdminRoutesTest, ResponsesFilterByBand) {
  const json e = Call(Request("GET", Path("/responses"), nullptr, "band=happy"), 400);
  EXPECT_NE(e["message"].get<std::string>().find("band"), std::string::npos);
  EXPECT_EQ(Call(Request("GET", Path("/responses"), nullptr, "band=promoter"),
                 200)["responses"],
            json::array());
}

TEST(AdminInstallationTest, ShowsTheUrlsToPasteIntoSegment) {
  TempStore store;
  AdminOptions options;
  options.public_url = "https://nps.example.com";
  options.version = "9.9.9";
  options.mail_transport = ".eml files in /tmp";
  options.destination_path = "/segment";
  options.tracking_api_path = "/v1/";
  AdminApi api(store.get(), options);
  const HttpResponse r = api.Handle(Request("GET", "api/installation"), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["destination_url"], "https://nps.example.com/segment");
  EXPECT_EQ(j["tracking_api_url"], "https://nps.example.com/v1/");
  EXPECT_TRUE(j["embed_url"].is_null());  // no callexa_embed location
  EXPECT_EQ(j["version"], "9.9.9");
  EXPECT_FALSE(j["emails_enabled"]);
  // Without a public URL, this host's.
  AdminApi local(store.get(), AdminOptions{});
  const json l = json::parse(local.Handle(Request("GET", "api/installation"), kNow).body);
  EXPECT_TRUE(l["public_url"].is_null());
  EXPECT_EQ(api.Handle(Request("POST", "api/installation", json::object()), kNow).status,
            405);
}

// GET api/database on every backend: what the Status page's Database card
// shows, read from the database like /metrics.
class AdminDatabaseTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  TempStore store_{GetParam()};
};

TEST_P(AdminDatabaseTest, ShowsTheBackendSizeAndLeaseTakeoversOnly) {
  AdminApi api(store_.get());
  HttpResponse r = api.Handle(Request("GET", "api/database"), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["backend"], GetParam().name);
  EXPECT_GT(j["size_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(j["lease_takeovers"], 0);
  // Those three and nothing else: never the connection string or the
  // file's path (both hold a "/"), which may name hosts and a passfile.
  EXPECT_EQ(j.size(), 3u) << r.body;
  EXPECT_EQ(r.body.find('/'), std::string::npos) << r.body;

  // A worker claims an invitation and stalls past its lease; another takes
  // it over.
  const Survey survey = store_.NewSurvey();
  store_.Identify(survey, "ada@example.com", kNow);
  auto first = store_->ClaimDueInvitations(kNow, 10, 60, "worker-a");
  ASSERT_TRUE(first.ok() && first->size() == 1u);
  auto taken = store_->ClaimDueInvitations(kNow + 61, 10, 60, "worker-b");
  ASSERT_TRUE(taken.ok() && taken->size() == 1u);
  r = api.Handle(Request("GET", "api/database"), kNow + 62);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["lease_takeovers"], 1);

  r = api.Handle(Request("POST", "api/database", json::object()), kNow);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(json::parse(r.body)["message"], "use GET on api/database");
  EXPECT_EQ(api.Handle(Request("GET", "api/database/x"), kNow).status, 404);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, AdminDatabaseTest, StoreBackendValues(),
                         StoreBackendName);

}  // namespace
}  // namespace callexa

namespace callexa {
namespace {

TEST_F(AdminRoutesTest, RetentionIsASetting) {
  EXPECT_TRUE(Call(Request("GET", Path("")), 200)["retention_months"].is_null());
  EXPECT_EQ(Call(Request("PATCH", Path(""), {{"retention_months", 24}}),
                 200)["retention_months"],
            24);
  const json e = Call(Request("PATCH", Path(""), {{"retention_months", 0}}), 400);
  EXPECT_NE(e["message"].get<std::string>().find("retention_months"), std::string::npos);
  EXPECT_TRUE(Call(Request("PATCH", Path(""), {{"retention_months", nullptr}}),
                   200)["retention_months"]
                  .is_null());
}

TEST_F(AdminRoutesTest, ReportEmailIsASetting) {
  json got = Call(Request("GET", Path("")), 200);
  EXPECT_EQ(got["report_frequency"], "off");
  EXPECT_EQ(got["report_recipients"], json::array());
  got = Call(
      Request("PATCH", Path(""),
              {{"report_frequency", "weekly"},
               {"report_recipients",
                {" Owner@Acme.example ", "cto@acme.example", "owner@acme.example"}}}),
      200);
  EXPECT_EQ(got["report_frequency"], "weekly");
  EXPECT_EQ(got["report_recipients"], json({"owner@acme.example", "cto@acme.example"}));
  const struct {
    json patch;
    const char *names;
  } bad[] = {
      {{{"report_frequency", "daily"}}, "report_frequency"},
      {{{"report_frequency", 7}}, "report_frequency"},
      {{{"report_recipients", "owner@acme.example"}}, "report_recipients"},
      {{{"report_recipients", {"not an address"}}}, "report_recipients[0]"},
      {{{"report_recipients", {"a@acme.example", 3}}}, "report_recipients[1]"},
      {{{"report_recipients", json(std::vector<std::string>(21, "a@acme.example"))}},
       "at most 20"},
  };
  for (const auto &b : bad) {
    const json e = Call(Request("PATCH", Path(""), b.patch), 400);
    EXPECT_NE(e["message"].get<std::string>().find(b.names), std::string::npos)
        << e.dump();
  }
  EXPECT_EQ(Call(Request("GET", Path("")), 200)["report_frequency"], "weekly");
}

TEST_F(AdminRoutesTest, AlertsAndReplyToAreSettings) {
  json got = Call(Request("GET", Path("")), 200);
  EXPECT_EQ(got["alerts"], json({{"on", "off"}, {"recipients", json::array()}}));
  EXPECT_EQ(got["reply_to"], "");
  got = Call(Request("PATCH", Path(""),
                     {{"alerts",
                       {{"on", "detractors_and_passives"},
                        {"recipients", {" Owner@Acme.example ", "owner@acme.example"}}}},
                      {"reply_to", "Support@Acme.example"}}),
             200);
  EXPECT_EQ(got["alerts"], json({{"on", "detractors_and_passives"},
                                 {"recipients", {"owner@acme.example"}}}));
  EXPECT_EQ(got["reply_to"], "support@acme.example");
  // Either key alone keeps the other.
  got = Call(Request("PATCH", Path(""), {{"alerts", {{"on", "all"}}}}), 200);
  EXPECT_EQ(got["alerts"]["recipients"], json({"owner@acme.example"}));
  const struct {
    json patch;
    const char *names;
  } bad[] = {
      {{{"alerts", "detractors"}}, "alerts must be"},
      {{{"alerts", {{"on", "detractor"}}}}, "alerts.on"},
      {{{"alerts", {{"on", true}}}}, "alerts.on"},
      {{{"alerts", {{"recipients", "a@acme.example"}}}}, "alerts.recipients"},
      {{{"alerts", {{"recipients", {"a@acme.example", "nope"}}}}},
       "alerts.recipients[1]"},
      {{{"alerts", {{"recipients", json(std::vector<std::string>(21, "a@b.example"))}}}},
       "at most 20"},
      {{{"alerts", {{"everyone", true}}}}, "alerts.everyone"},
      {{{"reply_to", "not an address"}}, "reply_to"},
      {{{"reply_to", 3}}, "reply_to"},
  };
  for (const auto &b : bad) {
    const json e = Call(Request("PATCH", Path(""), b.patch), 400);
    EXPECT_NE(e["message"].get<std::string>().find(b.names), std::string::npos)
        << e.dump();
  }
  got = Call(Request("PATCH", Path(""), {{"reply_to", ""}}), 200);
  EXPECT_EQ(got["reply_to"], "");
  EXPECT_EQ(got["alerts"]["on"], "all");
}

TEST_F(AdminRoutesTest, ReportRunsSayWhatTheReportEmailsDid) {
  EXPECT_EQ(Call(Request("GET", Path("/report-runs")), 200)["runs"], json::array());
  const TimeSpan week = {1795392000, 1795996800};
  ASSERT_TRUE(store_->ClaimReportRun(survey_.id, week, "w", kNow, 600)->has_value());
  ASSERT_TRUE(
      store_->RecordReportRecipient(survey_.id, week.from, "w", "a@acme.example").ok());
  ASSERT_TRUE(store_
                  ->FinishReportRun(survey_.id, week.from, "w", ReportRunStatus::kSent,
                                    "", 0, kNow)
                  .ok());
  const json runs = Call(Request("GET", Path("/report-runs")), 200)["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["period_from"], "2026-11-23T00:00:00Z");
  EXPECT_EQ(runs[0]["period_to"], "2026-11-30T00:00:00Z");
  EXPECT_EQ(runs[0]["status"], "sent");
  EXPECT_EQ(runs[0]["recipients_handled"], 1);
  EXPECT_FALSE(runs[0]["finished_at"].is_null());
  Call(Request("POST", Path("/report-runs")), 405);
}

TEST_F(AdminRoutesTest, ErasureOnRequest) {
  store_.SentInvitation(survey_, "ada@example.com", kNow, "Ada");
  const json e =
      Call(Request("POST", "api/erasure", {{"email", " Ada@Example.com "}}), 200);
  EXPECT_EQ(e["email"], "ada@example.com");
  EXPECT_EQ(e["customers"], 1);
  EXPECT_EQ(e["invitations"], 1);
  EXPECT_EQ(e["suppressed"], true);
  EXPECT_EQ(Call(Request("GET", Path("/customers")), 200)["total"], 0);
  Call(Request("POST", "api/erasure", {{"email", "nope"}}), 400);
  Call(Request("POST", "api/erasure", json::object()), 400);
  Call(Request("GET", "api/erasure"), 405);
  // A cross-site page cannot erase anyone.
  HttpRequest forged = Request("POST", "api/erasure", {{"email", "bob@example.com"}});
  forged.origin = "https://evil.example";
  Call(forged, 403);
}

}  // namespace
}  // namespace callexa
