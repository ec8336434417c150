#include "survey/survey_pages.h"

#include <limits>
#include <optional>
#include <vector>

#include "assets/image_upload.h"
#include "common/secrets.h"
#include "common/utf8.h"
#include "survey/invitation_token.h"
#include "survey/survey_page_html.h"

namespace callexa {
namespace {

// Messages of the service itself (not the owner's texts), in the survey's
// language; English when the survey is unknown (a forged link).
struct SystemTexts {
  const char *invalid_link;
  const char *bad_score;
  const char *comment_too_long;
  const char *bad_rating;       // "{}": the tag
  const char *answer_too_long;  // "{}": the question
  const char *refused;          // csrf or cross-site
  const char *unavailable;
  const char *wrong_method;
  const char *wrong_media;
  const char *too_large;
  const char *test_link;
  const char *test_mode;  // the banner of a test email's survey pages
};

const SystemTexts kEnglish = {
    "This link is not valid. Please use the link from your email.",
    "Please choose a score from 0 to 10.",
    "Your comment is too long: please keep it under 5000 characters.",
    "Please rate \"{}\" from 1 to 5.",
    "Your answer to \"{}\" is too long: please keep it under 2000 characters.",
    "This form was not sent from its survey page. Please open the link from your "
    "email again.",
    "Sorry, we cannot save your answer right now. Please try again in a minute.",
    "This page does not support that request.",
    "Please send the form from the survey page.",
    "Your answer is too long.",
    "This link is from a test email: the survey works, and nothing is recorded.",
    "Test mode: nothing is recorded. This is the page your customers see.",
};

const SystemTexts kGerman = {
    "Dieser Link ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail.",
    "Bitte wählen Sie einen Wert von 0 bis 10.",
    "Ihr Kommentar ist zu lang: bitte höchstens 5000 Zeichen.",
    "Bitte bewerten Sie „{}“ mit 1 bis 5.",
    "Ihre Antwort auf „{}“ ist zu lang: bitte höchstens 2000 Zeichen.",
    "Dieses Formular kam nicht von seiner Umfrageseite. Bitte öffnen Sie den Link aus "
    "Ihrer E-Mail erneut.",
    "Ihre Antwort kann gerade nicht gespeichert werden. Bitte versuchen Sie es in einer "
    "Minute erneut.",
    "Diese Seite unterstützt diese Anfrage nicht.",
    "Bitte senden Sie das Formular von der Umfrageseite.",
    "Ihre Antwort ist zu lang.",
    "Dieser Link stammt aus einer Test-E-Mail: die Umfrage funktioniert, und nichts "
    "wird gespeichert.",
    "Testmodus: nichts wird gespeichert. So sehen Ihre Kunden diese Seite.",
};

const SystemTexts &TextsFor(const SurveyContent &c) {
  return c.email.language == "de" ? kGerman : kEnglish;
}

std::string Fill(const char *pattern, std::string_view value) {
  std::string out = pattern;
  const size_t at = out.find("{}");
  if (at != std::string::npos) out.replace(at, 2, value);
  return out;
}

const SurveyContent &DefaultContent() {
  static const SurveyContent kDefault = *ParseSurveyContent("{}");
  return kDefault;
}

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// "0".."10" (or "1".."5"): digits only, nothing else.
std::optional<int> SmallNumber(std::string_view text, int lo, int hi) {
  if (text.empty() || text.size() > 2) return std::nullopt;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

HttpResponse Html(int status, std::string body, std::string_view nonce) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers = {
      {"Content-Security-Policy", PageContentSecurityPolicy(nonce)},
      {"X-Content-Type-Options", "nosniff"},
      // The URL carries the link's token: never hand it to another site.
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return r;
}

HttpResponse Message(int status, const SurveyContent &c, const RichText &message,
                     std::string_view nonce) {
  return Html(status, RenderMessagePage(c, message, nonce), nonce);
}

// The store failed: a polite page for the person, the cause for the log.
HttpResponse Unavailable(const SurveyContent &c, const Status &cause,
                         std::string_view nonce) {
  HttpResponse r = Message(503, c, TextsFor(c).unavailable, nonce);
  r.diagnostic = cause.ToLogString();
  return r;
}

bool IsFormBody(const HttpRequest &r) {
  return MediaType(r.content_type) == "application/x-www-form-urlencoded";
}

// RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click", as a
// urlencoded form or as multipart/form-data (the RFC's own example).
bool IsOneClickUnsubscribe(const HttpRequest &r) {
  const std::string type = MediaType(r.content_type);
  if (type == "multipart/form-data") {
    return r.body.find("name=\"List-Unsubscribe\"") != std::string::npos &&
           r.body.find("One-Click") != std::string::npos;
  }
  return (type.empty() || type == "application/x-www-form-urlencoded") &&
         QueryParam(r.body, "List-Unsubscribe") == "One-Click";
}

// Where a path points: the token, what it is for, and whether it is the
// thank-you page or the review redirect. `token` stays empty for a path
// that is none of ours.
struct Target {
  std::string token;
  TokenPurpose purpose = TokenPurpose::kAnswer;
  bool thanks = false;
  bool review = false;
};

bool CutSuffix(std::string_view *path, std::string_view suffix) {
  if (path->size() <= suffix.size() ||
      path->substr(path->size() - suffix.size()) != suffix) {
    return false;
  }
  path->remove_suffix(suffix.size());
  return true;
}

Target ParseTarget(std::string_view path) {
  Target t;
  if (path.substr(0, 2) == "u/") {
    t.purpose = TokenPurpose::kUnsubscribe;
    path.remove_prefix(2);
  } else if (CutSuffix(&path, "/thanks")) {
    t.thanks = true;
  } else if (CutSuffix(&path, "/review")) {
    t.review = true;
  }
  if (path.find('/') == std::string_view::npos) t.token = std::string(path);
  return t;
}

// The 303 to the owner's review site (an https URL, checked on save).
HttpResponse ReviewRedirect(const std::string &url) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers = {{"Location", url}, {"Referrer-Policy", "no-referrer"}};
  return r;
}

// A test email's link (TokenPurpose::kTest, `survey_id` signed in): the
// survey's own pages as its customers see them, under a banner; a post is
// checked like an answer and dropped. The thank-you page learns the score
// from its query, as nothing was stored.
HttpResponse TestMode(SurveyStore *surveys, const HttpRequest &request,
                      const Target &target, int64_t survey_id, const std::string &secret,
                      const std::string &nonce) {
  Result<SurveyContent> parsed = Status::NotFound("no survey store");
  if (surveys != nullptr) {
    Result<Survey> survey = surveys->GetSurvey(survey_id);
    if (survey.ok()) parsed = ParseSurveyContent(survey->content_json);
  }
  if (!parsed.ok()) return Message(200, DefaultContent(), kEnglish.test_link, nonce);
  const SurveyContent &c = *parsed;
  const SystemTexts &texts = TextsFor(c);
  const std::optional<int> score = SmallNumber(QueryParam(request.query, "score"), 0, 10);
  if (target.review) {
    if (c.page.review_url.empty()) return Message(404, c, texts.invalid_link, nonce);
    return ReviewRedirect(c.page.review_url);
  }
  if (target.thanks) {
    const bool invites = score && IsPromoterScore(*score) && !c.page.review_url.empty();
    return Html(200,
                RenderThankYouPage(c, invites ? "review" : "", texts.test_mode, nonce),
                nonce);
  }
  const std::string form_token = LinkFormToken(target.token, secret);
  if (request.method != "POST") {
    AnswerForm form;
    form.action = target.token;
    form.form_token = form_token;
    form.score = score;
    form.banner = texts.test_mode;
    return Html(200, RenderAnswerPage(c, form, nonce), nonce);
  }
  if (request.body.size() > kMaxAnswerBodyBytes) {
    return Message(413, c, texts.too_large, nonce);
  }
  if (!IsFormBody(request)) return Message(415, c, texts.wrong_media, nonce);
  if (!CheckNotCrossSite(request, /*allow_null_origin=*/true).ok() ||
      !ConstantTimeEquals(QueryParam(request.body, "csrf"), form_token)) {
    return Message(403, c, texts.refused, nonce);
  }
  Result<AnswerPost> post = ParseAnswerPost(request.body, c);
  if (!post.ok()) return Message(400, c, post.status().message(), nonce);
  HttpResponse r = Html(post->score_only ? 204 : 303, "", nonce);
  if (!post->score_only) {
    r.headers.emplace_back(
        "Location", target.token + "/thanks?score=" + std::to_string(post->answer.score));
  }
  return r;
}

// Only RandomHex (no entropy) or allocation can throw; say so politely.
HttpResponse Apology(std::string diagnostic) {
  HttpResponse r;
  r.status = 503;
  r.content_type = "text/plain; charset=utf-8";
  r.body = kEnglish.unavailable;
  r.diagnostic = std::move(diagnostic);
  return r;
}

}  // namespace

Result<AnswerPost> ParseAnswerPost(std::string_view body, const SurveyContent &content) {
  const SystemTexts &texts = TextsFor(content);
  AnswerPost post;
  post.score_only = QueryParam(body, "partial") == "1";
  const std::optional<int> score = SmallNumber(QueryParam(body, "score"), 0, 10);
  if (!score) return Status::InvalidArgument(texts.bad_score);
  Answer &a = post.answer;
  a.score = *score;
  a.comment = SanitizeMultilineText(QueryParam(body, "comment"));
  if (CharCount(a.comment) > kMaxCommentChars) {
    return Status::InvalidArgument(texts.comment_too_long);
  }
  const std::vector<std::string> &tags = content.page.tags;
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string value = QueryParam(body, "tag_" + std::to_string(i));
    if (value.empty()) continue;  // not rated
    const std::optional<int> rating = SmallNumber(value, 1, 5);
    if (!rating) return Status::InvalidArgument(Fill(texts.bad_rating, tags[i]));
    a.tag_ratings[tags[i]] = *rating;
  }
  for (const ExtraQuestion &q : content.page.questions) {
    std::string text = SanitizeMultilineText(QueryParam(body, "q_" + q.id));
    if (text.empty()) continue;
    if (CharCount(text) > kMaxExtraAnswerChars) {
      return Status::InvalidArgument(Fill(texts.answer_too_long, q.text));
    }
    a.extra_answers[q.id] = std::move(text);
  }
  // Only promoters are asked; a consent sent with another score was not
  // given to that answer.
  a.consent = IsPromoterScore(a.score) && QueryParam(body, "consent") == "on";
  // Kept with the answer: what was agreed to, in the words shown.
  if (a.consent) a.consent_text = content.page.consent_text;
  return post;
}

HttpResponse SurveyPages::Handle(const HttpRequest &request, int64_t now) {
  try {
    return Route(request, now);
  } catch (const std::exception &e) {
    return Apology(std::string("survey page failed: ") + e.what());
  } catch (...) {
    return Apology("survey page failed");
  }
}

HttpResponse SurveyPages::Route(const HttpRequest &request, int64_t now) {
  const std::string nonce = RandomHex(16);
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  constexpr std::string_view kLogo = "logo/";
  if (std::string_view(request.path).substr(0, kLogo.size()) == kLogo) {
    return Logo(request, std::string_view(request.path).substr(kLogo.size()));
  }
  const Target target = ParseTarget(request.path);
  if (target.token.empty()) {
    return Message(404, DefaultContent(), kEnglish.invalid_link, nonce);
  }
  const bool get_only = target.thanks || target.review;
  if (!is_get && (request.method != "POST" || get_only)) {
    HttpResponse r = Message(405, DefaultContent(), kEnglish.wrong_method, nonce);
    r.headers.emplace_back("Allow", get_only ? "GET, HEAD" : "GET, HEAD, POST");
    return r;
  }
  const Result<std::string> secret = store_->TokenSecret();
  if (!secret.ok()) return Unavailable(DefaultContent(), secret.status(), nonce);

  Result<TokenClaims> claims =
      VerifyInvitationToken(target.token, target.purpose, *secret, now);
  const bool expired = !claims.ok() && claims.status().code() == Status::Code::kNotFound;
  if (expired) {
    // Genuine but expired: checked again without the clock, to say so in
    // the survey's own words.
    claims = VerifyInvitationToken(target.token, target.purpose, *secret,
                                   std::numeric_limits<int64_t>::min());
  }
  // Not an answer link: perhaps a test email's (same paths, its own purpose).
  if (!claims.ok() && !expired && target.purpose == TokenPurpose::kAnswer &&
      claims.status().code() == Status::Code::kUnauthorized) {
    Result<TokenClaims> test =
        VerifyInvitationToken(target.token, TokenPurpose::kTest, *secret, now);
    if (test.ok()) {
      return TestMode(surveys_, request, target, test->invitation_id, *secret, nonce);
    }
  }
  if (!claims.ok()) return Message(404, DefaultContent(), kEnglish.invalid_link, nonce);
  // Invitation 0 is no invitation: the unsubscribe link of the owner's
  // test email (and the score links of test emails sent before test mode).
  if (claims->invitation_id == 0) {
    return Message(200, DefaultContent(), kEnglish.test_link, nonce);
  }
  const Result<InvitationContext> invitation =
      store_->LoadInvitation(claims->invitation_id);
  if (!invitation.ok()) {
    // A genuine link whose invitation is gone: its survey was deleted.
    if (invitation.status().code() == Status::Code::kNotFound) {
      return Message(410, DefaultContent(), "This survey is no longer available.", nonce);
    }
    return Unavailable(DefaultContent(), invitation.status(), nonce);
  }
  Result<SurveyContent> parsed = ParseSurveyContent(invitation->content_json);
  const SurveyContent &content = parsed.ok() ? *parsed : DefaultContent();
  const SystemTexts &texts = TextsFor(content);
  if (expired) return Message(410, content, content.page.expired_text, nonce);

  const std::string form_token = LinkFormToken(target.token, *secret);
  if (is_get) {
    if (target.purpose == TokenPurpose::kUnsubscribe) {
      return Html(200, RenderUnsubscribePage(content, target.token, form_token, nonce),
                  nonce);
    }
    const bool promoter =
        invitation->answer && IsPromoterScore(invitation->answer->answer.score);
    const bool invites_review = promoter && !content.page.review_url.empty();
    if (target.review) {
      if (!invites_review) return Message(404, content, texts.invalid_link, nonce);
      Status s = store_->RecordReviewClick(claims->invitation_id, now);
      if (!s.ok()) return Unavailable(content, s, nonce);
      return ReviewRedirect(content.page.review_url);
    }
    if (target.thanks) {
      // Relative to /s/{token}/thanks: /s/{token}/review.
      return Html(200,
                  RenderThankYouPage(content, invites_review ? "review" : "", "", nonce),
                  nonce);
    }
    AnswerForm form;
    form.action = target.token;  // relative: the page's own URL without the query
    form.form_token = form_token;
    form.score = SmallNumber(QueryParam(request.query, "score"), 0, 10);
    if (invitation->answer) {
      form.previous = invitation->answer->answer;
      if (!form.score) form.score = form.previous.score;
    }
    return Html(200, RenderAnswerPage(content, form, nonce), nonce);
  }

  // POST.
  if (request.body.size() > kMaxAnswerBodyBytes) {
    return Message(413, content, texts.too_large, nonce);
  }
  if (target.purpose == TokenPurpose::kUnsubscribe && IsOneClickUnsubscribe(request)) {
    // The token is the capability; providers post without Origin or csrf.
    Status s = store_->Unsubscribe(claims->invitation_id, now);
    if (!s.ok()) return Unavailable(content, s, nonce);
    return Message(200, content, content.page.unsubscribed_text, nonce);
  }
  if (!IsFormBody(request)) return Message(415, content, texts.wrong_media, nonce);
  if (!CheckNotCrossSite(request, /*allow_null_origin=*/true).ok() ||
      !ConstantTimeEquals(QueryParam(request.body, "csrf"), form_token)) {
    return Message(403, content, texts.refused, nonce);
  }
  if (target.purpose == TokenPurpose::kUnsubscribe) {
    Status s = store_->Unsubscribe(claims->invitation_id, now);
    if (!s.ok()) return Unavailable(content, s, nonce);
    return Message(200, content, content.page.unsubscribed_text, nonce);
  }
  Result<AnswerPost> post = ParseAnswerPost(request.body, content);
  if (!post.ok()) return Message(400, content, post.status().message(), nonce);
  Status s =
      store_->SaveAnswer(claims->invitation_id, post->answer, post->score_only, now);
  if (!s.ok()) return Unavailable(content, s, nonce);
  HttpResponse r = Html(post->score_only ? 204 : 303, "", nonce);
  if (!post->score_only) {
    // Relative to /s/{token}: the thank-you page below the same location.
    r.headers.emplace_back("Location", target.token + "/thanks");
  }
  return r;
}

HttpResponse SurveyPages::Logo(const HttpRequest &request, std::string_view key) {
  HttpResponse r;
  r.content_type = "text/plain; charset=utf-8";
  if (request.method != "GET" && request.method != "HEAD") {
    r.status = 405;
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  Result<std::optional<StoredImage>> image =
      IsImageKey(key) ? assets_->GetImage(std::string(key))
                      : Result<std::optional<StoredImage>>(std::nullopt);
  if (!image.ok()) {
    r.status = 503;
    r.diagnostic = image.status().ToLogString();
    return r;
  }
  if (!image->has_value()) {
    r.status = 404;
    r.body = "no such image\n";
    return r;
  }
  r.content_type = (*image)->content_type;
  r.body = std::move((*image)->bytes);
  r.cache = CachePolicy::kImmutable;
  r.headers = {
      {"X-Content-Type-Options", "nosniff"},
      // Webmail shows it from its own origin.
      {"Cross-Origin-Resource-Policy", "cross-origin"},
      {"Content-Security-Policy", "default-src 'none'"},
  };
  return r;
}

}  // namespace callexa
