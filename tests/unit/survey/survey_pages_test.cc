#include "survey/survey_pages.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time_format.h"
#include "survey/invitation_token.h"
#include "survey/survey_page_html.h"
#include "testing/temp_store.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z
constexpr char kHost[] = "nps.example";

SurveyContent Content(const std::string &json) {
  Result<SurveyContent> c = ParseSurveyContent(json);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : SurveyContent{};
}

bool Contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Header(const HttpResponse &r, const std::string &name) {
  for (const auto &[n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

// ---- Rendering ----

TEST(SurveyPageHtmlTest, EscapesEveryOwnerText) {
  const std::string evil = "<script>alert(\\\"x\\\")</script>&'";
  const SurveyContent c =
      Content(R"({"title": ")" + evil + R"(", "question": ")" + evil +
              R"(", "followup_detractor": ")" + evil + R"(", "tags": [")" + evil +
              R"("], "questions": [{"id": "q1", "text": ")" + evil + R"("}],
         "consent_text": ")" +
              evil + R"(", "submit_label": ")" + evil + R"(", "sender_name": ")" + evil +
              R"(", "logo_url": "https://cdn.example/logo.png"})");
  AnswerForm form;
  form.action = "tok\"en";
  form.form_token = "f<t";
  form.score = 3;
  form.previous.comment = "</textarea><script>alert(1)</script>";
  form.previous.extra_answers["q1"] = "</textarea><b>";
  const std::string html = RenderAnswerPage(c, form, "n0nce");
  EXPECT_FALSE(Contains(html, "<script>alert"));
  EXPECT_FALSE(Contains(html, "</textarea><"));
  EXPECT_FALSE(Contains(html, "<b>"));
  EXPECT_TRUE(
      Contains(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
  EXPECT_TRUE(Contains(html, "action=\"tok&quot;en\""));
  EXPECT_TRUE(Contains(html, "value=\"f&lt;t\""));
  EXPECT_TRUE(Contains(html, "<img class=\"logo\" src=\"https://cdn.example/logo.png\""));
  // The only script is ours, with the nonce.
  EXPECT_EQ(html.find("<script"), html.find("<script nonce=\"n0nce\">"));
  EXPECT_EQ(html.find("<script"), html.rfind("<script"));
}

TEST(SurveyPageHtmlTest, FollowupMatchesTheScoreBandAndConsentOnlyForPromoters) {
  const SurveyContent c = Content(
      R"({"followup_detractor": "DET", "followup_passive": "PAS",
          "followup_promoter": "PRO", "consent_text": "QUOTE ME"})");
  AnswerForm form;
  form.action = "t";
  for (int score : {0, 6, 7, 8, 9, 10}) {
    form.score = score;
    const std::string html = RenderAnswerPage(c, form, "n");
    const std::string expected = score <= 6 ? "DET" : score <= 8 ? "PAS" : "PRO";
    EXPECT_TRUE(Contains(html, "id=\"followup\""));
    EXPECT_TRUE(Contains(html, ">" + expected + "</label>")) << score;
    EXPECT_TRUE(Contains(html, "value=\"" + std::to_string(score) + "\" checked"));
    EXPECT_EQ(Contains(html, "<div id=\"consent\" hidden>"), score < 9) << score;
    EXPECT_TRUE(Contains(html, "QUOTE ME"));  // there for the script to reveal
  }
}

TEST(SurveyPageHtmlTest, AccessibleStructureAndLanguage) {
  const SurveyContent c = Content(
      R"({"language": "de", "tags": ["Support", "Preis"],
          "questions": [{"id": "feature", "text": "Was fehlt?"}]})");
  AnswerForm form;
  form.action = "t";
  form.previous.tag_ratings["Preis"] = 4;
  const std::string html = RenderAnswerPage(c, form, "n");
  EXPECT_TRUE(Contains(html, "<html lang=\"de\">"));
  EXPECT_TRUE(Contains(html, "name=\"viewport\""));
  EXPECT_TRUE(Contains(html, "<legend>Wie wahrscheinlich"));
  EXPECT_TRUE(Contains(html, "<legend>Support</legend>"));
  EXPECT_TRUE(Contains(html, "name=\"tag_0\" value=\"5\">"));
  EXPECT_TRUE(Contains(html, "name=\"tag_1\" value=\"4\" checked>"));
  EXPECT_TRUE(Contains(html, "<label class=\"field\" for=\"q_feature\">Was fehlt?"));
  EXPECT_TRUE(Contains(html, "<textarea id=\"q_feature\" name=\"q_feature\""));
  EXPECT_TRUE(Contains(html, "<label class=\"field\" for=\"comment\""));
  EXPECT_TRUE(Contains(html, "Feedback senden</button>"));
  EXPECT_FALSE(Contains(html, "checked><span>1")) << "no score preselected";
}

// ---- Form parsing ----

TEST(AnswerPostTest, ParsesTheForm) {
  const SurveyContent c = Content(
      R"({"tags": ["Support", "Price"], "questions": [{"id": "feature", "text": "?"}]})");
  Result<AnswerPost> p = ParseAnswerPost(
      "score=10&comment=Great+stuff%0D%0Areally&tag_0=5&tag_1=&q_feature=dark%20mode"
      "&consent=on&csrf=x&unknown=1&tag_7=9",
      c);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->answer.score, 10);
  EXPECT_EQ(p->answer.comment, "Great stuff\nreally");
  EXPECT_EQ(p->answer.tag_ratings, (std::map<std::string, int>{{"Support", 5}}));
  EXPECT_EQ(p->answer.extra_answers.at("feature"), "dark mode");
  EXPECT_TRUE(p->answer.consent);
  EXPECT_FALSE(p->score_only);

  p = ParseAnswerPost("score=8&consent=on&partial=1", c);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->answer.consent) << "consent is asked of promoters only";
  EXPECT_TRUE(p->score_only);
}

TEST(AnswerPostTest, RefusesBadInputNamingTheProblem) {
  const SurveyContent c = Content(R"({"tags": ["Support"],
      "questions": [{"id": "feature", "text": "What is missing?"}]})");
  auto error = [&](const std::string &body) {
    Result<AnswerPost> p = ParseAnswerPost(body, c);
    return p.ok() ? std::string() : p.status().message();
  };
  EXPECT_EQ(error(""), "Please choose a score from 0 to 10.");
  EXPECT_EQ(error("score=11"), "Please choose a score from 0 to 10.");
  EXPECT_EQ(error("score=-1"), "Please choose a score from 0 to 10.");
  EXPECT_EQ(error("score=5x"), "Please choose a score from 0 to 10.");
  EXPECT_EQ(error("score=5&tag_0=6"), "Please rate \"Support\" from 1 to 5.");
  EXPECT_EQ(error("score=5&comment=" + std::string(5001, 'a')),
            "Your comment is too long: please keep it under 5000 characters.");
  EXPECT_EQ(error("score=5&comment=" + std::string(2500, 'a') + "%C3%A4" +
                  std::string(2499, 'a')),
            "")
      << "5000 characters, 5001 bytes";
  EXPECT_EQ(error("score=5&q_feature=" + std::string(2001, 'a')),
            "Your answer to \"What is missing?\" is too long: please keep it under "
            "2000 characters.");
  const SurveyContent de = Content(R"({"language": "de"})");
  Result<AnswerPost> p = ParseAnswerPost("score=x", de);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "Bitte wählen Sie einen Wert von 0 bis 10.");
}

// ---- Routes against a real store ----

class SurveyPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    survey_ = store_.NewSurvey(
        R"({"tags": ["Support"], "questions": [{"id": "feature", "text": "Missing?"}],
            "thank_you": "THANKS", "expired_text": "EXPIRED",
            "unsubscribed_text": "BYE"})");
    invitation_ = store_.SentInvitation(survey_, "ada@example.com", kNow, "Ada");
    ASSERT_GT(invitation_, 0);
    auto secret = store_->TokenSecret();
    ASSERT_TRUE(secret.ok());
    secret_ = *secret;
    answer_token_ = Token(TokenPurpose::kAnswer, kNow + 90 * kSecondsPerDay);
    unsubscribe_token_ = Token(TokenPurpose::kUnsubscribe, kNow + 400 * kSecondsPerDay);
  }

  std::string Token(TokenPurpose purpose, int64_t expires_at, int64_t id = 0) {
    TokenClaims claims;
    claims.purpose = purpose;
    claims.invitation_id = id ? id : invitation_;
    claims.expires_at = expires_at;
    return SignInvitationToken(claims, secret_);
  }

  HttpRequest Get(const std::string &path, const std::string &query = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.query = query;
    r.host = kHost;
    return r;
  }

  // A same-origin form post, as the page's form sends it.
  HttpRequest Post(const std::string &path, const std::string &body,
                   bool with_csrf = true) {
    HttpRequest r = Get(path);
    r.method = "POST";
    r.content_type = "application/x-www-form-urlencoded";
    r.origin = "null";  // what a no-referrer page's form sends
    r.sec_fetch_site = "same-origin";
    const std::string token = path.substr(0, 2) == "u/" ? path.substr(2) : path;
    r.body = body + (with_csrf ? "&csrf=" + LinkFormToken(token, secret_) : "");
    return r;
  }

  std::optional<StoredAnswer> CurrentAnswer() {
    auto c = store_->LoadInvitation(invitation_);
    EXPECT_TRUE(c.ok());
    return c.ok() ? c->answer : std::nullopt;
  }

  HttpResponse Handle(const HttpRequest &r, int64_t now = kNow + 60) {
    return pages_.Handle(r, now);
  }

  TempStore store_;
  SurveyPages pages_{store_.get()};
  Survey survey_;
  int64_t invitation_ = 0;
  std::string secret_, answer_token_, unsubscribe_token_;
};

TEST_F(SurveyPagesTest, GetShowsTheFormAndRecordsNothing) {
  const HttpResponse r = Handle(Get(answer_token_, "score=9"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Contains(r.body, "value=\"9\" checked"));
  EXPECT_TRUE(Contains(r.body, "action=\"" + answer_token_ + "\""));
  EXPECT_TRUE(Contains(r.body, LinkFormToken(answer_token_, secret_)));
  EXPECT_EQ(Header(r, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(r, "X-Frame-Options"), "DENY");
  const std::string csp = Header(r, "Content-Security-Policy");
  EXPECT_TRUE(Contains(csp, "script-src 'nonce-"));
  const std::string nonce = csp.substr(csp.find("script-src 'nonce-") + 18, 32);
  EXPECT_TRUE(Contains(r.body, "<script nonce=\"" + nonce + "\">"));
  EXPECT_FALSE(CurrentAnswer().has_value());
  auto c = store_->LoadInvitation(invitation_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, InvitationStatus::kSent);
  // A score out of range preselects nothing and still records nothing.
  const HttpResponse odd = Handle(Get(answer_token_, "score=99"));
  EXPECT_EQ(odd.status, 200);
  EXPECT_FALSE(Contains(odd.body, "\" checked"));
}

TEST_F(SurveyPagesTest, PostRecordsAndRedirectsToThanks) {
  HttpResponse r = Handle(
      Post(answer_token_, "score=9&comment=Love+it&tag_0=4&q_feature=API&consent=on"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), answer_token_ + "/thanks");
  auto a = CurrentAnswer();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->answer.score, 9);
  EXPECT_EQ(a->answer.comment, "Love it");
  EXPECT_EQ(a->answer.tag_ratings.at("Support"), 4);
  EXPECT_EQ(a->answer.extra_answers.at("feature"), "API");
  EXPECT_TRUE(a->answer.consent);

  r = Handle(Get(answer_token_ + "/thanks"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "THANKS"));

  // Back on the page, the answer is prefilled.
  r = Handle(Get(answer_token_));
  EXPECT_TRUE(Contains(r.body, ">Love it</textarea>"));
  EXPECT_TRUE(Contains(r.body, "value=\"9\" checked"));
}

TEST_F(SurveyPagesTest, ScriptPostRecordsTheScoreAloneAndLastAnswerWins) {
  HttpResponse r = Handle(Post(answer_token_, "score=3&partial=1"));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(CurrentAnswer()->answer.score, 3);
  r = Handle(Post(answer_token_, "score=6&comment=slow"));
  EXPECT_EQ(r.status, 303);
  r = Handle(Post(answer_token_, "score=7&partial=1"));
  EXPECT_EQ(r.status, 204);
  auto a = CurrentAnswer();
  EXPECT_EQ(a->answer.score, 7);
  EXPECT_EQ(a->answer.comment, "slow");
}

TEST_F(SurveyPagesTest, BadInputIsA400PageAndStoresNothing) {
  const HttpResponse r = Handle(Post(answer_token_, "score=12&comment=x"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Contains(r.body, "Please choose a score from 0 to 10."));
  EXPECT_FALSE(CurrentAnswer().has_value());
}

TEST_F(SurveyPagesTest, MissingWrongOrCrossSiteCsrfIsA403Page) {
  HttpResponse r = Handle(Post(answer_token_, "score=5", /*with_csrf=*/false));
  EXPECT_EQ(r.status, 403);
  r = Handle(Post(answer_token_, "score=5&csrf=" + LinkFormToken("other", secret_),
                  /*with_csrf=*/false));
  EXPECT_EQ(r.status, 403);
  HttpRequest cross = Post(answer_token_, "score=5");
  cross.sec_fetch_site = "cross-site";
  EXPECT_EQ(Handle(cross).status, 403);
  cross = Post(answer_token_, "score=5");
  cross.sec_fetch_site.clear();
  cross.origin = "https://evil.example";
  EXPECT_EQ(Handle(cross).status, 403);
  HttpRequest json = Post(answer_token_, "score=5");
  json.content_type = "application/json";
  EXPECT_EQ(Handle(json).status, 415);
  EXPECT_FALSE(CurrentAnswer().has_value());
  // Same origin spelled out passes.
  HttpRequest same = Post(answer_token_, "score=5");
  same.origin = std::string("https://") + kHost;
  EXPECT_EQ(Handle(same).status, 303);
}

TEST_F(SurveyPagesTest, ExpiredForgedAndMalformedLinks) {
  const std::string expired = Token(TokenPurpose::kAnswer, kNow + 10);
  HttpResponse r = Handle(Get(expired, "score=5"), kNow + 11);
  EXPECT_EQ(r.status, 410);
  EXPECT_TRUE(Contains(r.body, "EXPIRED"));
  r = Handle(Post(expired, "score=5"), kNow + 11);
  EXPECT_EQ(r.status, 410);
  EXPECT_FALSE(CurrentAnswer().has_value());

  std::string forged = answer_token_;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  for (const std::string &path :
       {forged, std::string("not-a-token"), std::string(""), unsubscribe_token_,
        answer_token_ + "/other", "u/" + answer_token_}) {
    r = Handle(Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(Contains(r.body, "This link is not valid.")) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  }
  // A genuine link whose invitation is gone (its survey was deleted).
  r = Handle(Get(Token(TokenPurpose::kAnswer, kNow + kSecondsPerDay, invitation_ + 50)));
  EXPECT_EQ(r.status, 410);
  EXPECT_TRUE(Contains(r.body, "This survey is no longer available.")) << r.body;
  r = Handle(Post(forged, "score=5"));
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(CurrentAnswer().has_value());
}

TEST_F(SurveyPagesTest, WrongMethodsAre405) {
  HttpRequest r = Get(answer_token_);
  r.method = "PUT";
  HttpResponse resp = Handle(r);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(Header(resp, "Allow"), "GET, HEAD, POST");
  resp = Handle(Post(answer_token_ + "/thanks", "score=1"));
  EXPECT_EQ(resp.status, 405);
}

TEST_F(SurveyPagesTest, UnsubscribeNeedsAPostWithTheForm) {
  HttpResponse r = Handle(Get("u/" + unsubscribe_token_));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "<form method=\"post\" action=\"" + unsubscribe_token_));
  EXPECT_TRUE(Contains(r.body, LinkFormToken(unsubscribe_token_, secret_)));
  // The GET alone suppressed nothing: a new identify still schedules.
  const Survey other = store_.NewSurvey();
  store_.Identify(other, "ada@example.com", kNow);
  CustomerQuery q;
  q.survey_id = other.id;
  EXPECT_EQ(store_->FindCustomers(q)->front().state, "scheduled");

  r = Handle(Post("u/" + unsubscribe_token_, "", /*with_csrf=*/false));
  EXPECT_EQ(r.status, 403);
  r = Handle(Post("u/" + unsubscribe_token_, "go=1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "BYE"));
  EXPECT_EQ(store_->FindCustomers(q)->front().reason, "unsubscribed");
}

TEST_F(SurveyPagesTest, OneClickUnsubscribeFromTheMailProvider) {
  HttpRequest r = Get("u/" + unsubscribe_token_);
  r.method = "POST";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = "List-Unsubscribe=One-Click";
  HttpResponse resp = Handle(r);
  EXPECT_EQ(resp.status, 200);
  const Survey other = store_.NewSurvey();
  store_.Identify(other, "ada@example.com", kNow);
  CustomerQuery q;
  q.survey_id = other.id;
  EXPECT_EQ(store_->FindCustomers(q)->front().reason, "unsubscribed");
  // Again, as multipart (RFC 8058's example): idempotent.
  r.content_type = "multipart/form-data; boundary=XX";
  r.body =
      "--XX\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
      "One-Click\r\n--XX--\r\n";
  EXPECT_EQ(Handle(r).status, 200);
  // The one-click body is no pass for the answer form.
  HttpRequest answer = r;
  answer.path = answer_token_;
  answer.content_type = "application/x-www-form-urlencoded";
  answer.body = "List-Unsubscribe=One-Click&score=5";
  EXPECT_EQ(Handle(answer).status, 403);
}

// ---- Test mode and the review invitation ----

TEST_F(SurveyPagesTest, ATestLinkOpensTheRealPagesInTestModeAndRecordsNothing) {
  const Survey branded = store_.NewSurvey(
      R"({"title": "Acme feedback", "brand_color": "#0f766e", "thank_you": "THANKS",
          "review_url": "https://g2.example/acme", "review_text": "Review us on G2"})");
  const std::string test =
      Token(TokenPurpose::kTest, kNow + 90 * kSecondsPerDay, branded.id);
  HttpResponse r = Handle(Get(test, "score=10"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "Test mode: nothing is recorded."));
  EXPECT_TRUE(Contains(r.body, "Acme feedback"));
  EXPECT_TRUE(Contains(r.body, "value=\"10\" checked"));
  EXPECT_TRUE(Contains(r.body, "#0f766e"));

  // The early score post and the full form: checked, never stored.
  EXPECT_EQ(Handle(Post(test, "score=10&partial=1")).status, 204);
  EXPECT_EQ(Handle(Post(test, "score=12")).status, 400);
  EXPECT_EQ(Handle(Post(test, "score=10", /*with_csrf=*/false)).status, 403);
  r = Handle(Post(test, "score=10&comment=Great&consent=on"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), test + "/thanks?score=10");
  ResponseQuery everything;
  everything.survey_id = branded.id;
  EXPECT_TRUE(store_->ListResponses(everything)->empty());

  // A promoter's thank-you page invites to the review; the click goes
  // through our route, which records nothing in test mode either.
  r = Handle(Get(test + "/thanks", "score=10"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "Test mode"));
  EXPECT_TRUE(Contains(r.body, "THANKS"));
  EXPECT_TRUE(Contains(
      r.body, "<a href=\"review\" rel=\"noopener noreferrer\">Review us on G2</a>"));
  r = Handle(Get(test + "/thanks", "score=8"));
  EXPECT_FALSE(Contains(r.body, "Review us on G2"));
  r = Handle(Get(test + "/review"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), "https://g2.example/acme");

  // A test token is no answer link, nor the other way round.
  EXPECT_EQ(Handle(Get("u/" + test)).status, 404);
  EXPECT_EQ(Handle(Get(Token(TokenPurpose::kTest, kNow + kSecondsPerDay, 9999))).status,
            200);  // its survey is gone: the plain "this was a test" page
}

TEST_F(SurveyPagesTest, APromotersReviewClickIsCountedThenRedirected) {
  const Survey reviewed = store_.NewSurvey(
      R"({"review_url": "https://www.trustpilot.com/review/acme.example",
          "review_text": "Review us on Trustpilot"})");
  const int64_t promoter = store_.SentInvitation(reviewed, "pro@example.com", kNow);
  const int64_t passive = store_.SentInvitation(reviewed, "pas@example.com", kNow);
  const std::string pro = Token(TokenPurpose::kAnswer, kNow + kSecondsPerDay, promoter);
  const std::string pas = Token(TokenPurpose::kAnswer, kNow + kSecondsPerDay, passive);
  // Not answered yet: no invitation.
  EXPECT_EQ(Handle(Get(pro + "/review")).status, 404);
  ASSERT_EQ(Handle(Post(pro, "score=10")).status, 303);
  ASSERT_EQ(Handle(Post(pas, "score=8")).status, 303);

  HttpResponse r = Handle(Get(pro + "/thanks"));
  EXPECT_TRUE(Contains(r.body, ">Review us on Trustpilot</a>"));
  EXPECT_FALSE(Contains(Handle(Get(pas + "/thanks")).body, "Trustpilot"));
  EXPECT_FALSE(
      Contains(Handle(Get(answer_token_ + "/thanks")).body, "<p class=\"review\""));

  r = Handle(Get(pro + "/review"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), "https://www.trustpilot.com/review/acme.example");
  EXPECT_EQ(Handle(Get(pas + "/review")).status, 404);
  EXPECT_EQ(Handle(Post(pro + "/review", "score=1")).status, 405);
}

}  // namespace
}  // namespace callexa
