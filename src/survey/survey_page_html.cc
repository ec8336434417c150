#include "survey/survey_page_html.h"

#include "common/html_escape.h"
#include "mail/survey_body.h"

namespace callexa {
namespace {

// Blue 600: 5.2:1 against white text.
const char kDefaultBrand[] = "#2563eb";

std::string Css(std::string_view brand, std::string_view on_brand) {
  const std::string b(brand), f(on_brand);
  return "*{box-sizing:border-box}"
         "body{margin:0;background:#f3f4f6;color:#111827;"
         "font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}"
         "main{max-width:640px;margin:0 auto;padding:24px 16px;background:#fff;"
         "min-height:100vh}"
         "h1{font-size:1.4em;line-height:1.3;margin:0 0 16px}"
         ".logo{display:block;max-width:200px;max-height:64px;margin:0 0 16px}"
         "fieldset{border:0;padding:0;margin:0 0 24px;min-width:0}"
         "legend{font-weight:600;padding:0;margin:0 0 8px}"
         ".scale{display:grid;grid-template-columns:repeat(11,1fr);gap:4px}"
         ".rate{display:grid;grid-template-columns:repeat(5,1fr);gap:4px;"
         "max-width:320px}"
         ".opt{position:relative;display:block}"
         ".opt input{position:absolute;opacity:0;width:1px;height:1px;margin:0}"
         ".opt span{display:block;text-align:center;padding:10px 0;"
         "border:2px solid #6b7280;border-radius:6px;background:#fff;font-weight:600;"
         "cursor:pointer}"
         ".opt input:checked+span{background:" +
         b + ";border-color:" + b + ";color:" + f +
         "}"
         ".opt input:focus-visible+span,textarea:focus,button:focus-visible,"
         ".check input:focus-visible{outline:3px solid #111827;outline-offset:2px}"
         ".ends{display:flex;justify-content:space-between;gap:8px;font-size:.875em;"
         "color:#4b5563;margin-top:4px}"
         // The 1-5 labels span the rating buttons, not the page.
         "#rate-ends{max-width:320px;margin:0 0 8px}"
         ".tag{margin:0 0 16px}.tag legend{font-weight:400}"
         ".field{display:block;font-weight:600;margin:0 0 8px}"
         "textarea{display:block;width:100%;min-height:6em;font:inherit;padding:8px;"
         "margin:0 0 24px;border:2px solid #6b7280;border-radius:6px}"
         ".check{display:flex;gap:8px;align-items:flex-start;margin:0 0 24px}"
         ".check input{width:20px;height:20px;margin:2px 0 0;flex:none}"
         "button{display:block;width:100%;font:inherit;font-weight:600;"
         "padding:12px 24px;border:0;border-radius:6px;background:" +
         b + ";color:" + f +
         ";cursor:pointer}"
         "[hidden]{display:none!important}"
         ".banner{margin:0 0 16px;padding:10px 12px;border:2px solid #b45309;"
         "border-radius:6px;background:#fffbeb;color:#78350f;font-weight:600}"
         ".review{margin:24px 0 0}"
         ".review a{display:block;text-align:center;font-weight:600;padding:12px 24px;"
         "border:2px solid " +
         b +
         ";border-radius:6px;color:#111827;text-decoration:none}"
         ".review a:focus-visible{outline:3px solid #111827;outline-offset:2px}"
         "@media (max-width:400px){main{padding:16px 8px}"
         ".opt span{padding:8px 0;font-size:.9em}}";
}

// The 0-6 / 7-8 / 9-10 cue of the email's buttons, kept on the page's
// scale (content.score_colors, mail/email_content.h): a coloured bottom
// edge, and a chosen score filled with its band's colour (a shade darker
// than the email's, for 4.5:1 with white text). With "brand", the chosen
// score takes the brand colour like every other control.
std::string ScoreCueCss(const SurveyEmailContent &e) {
  if (e.score_colors == "brand" && !e.brand_color.empty()) return "";
  std::string css;
  const struct {
    const char *band, *edge, *fill;
  } bands[] = {{"d", "#dc2626", "#b91c1c"},
               {"p", "#d97706", "#b45309"},
               {"g", "#16a34a", "#15803d"}};
  for (const auto &b : bands) {
    css += std::string(".scale .") + b.band + " span{border-bottom:5px solid " + b.edge +
           "}.scale ." + b.band + " input:checked+span{background:" + b.fill +
           ";border-color:" + b.fill + ";color:#fff}";
  }
  return css;
}

// The early score post and the score band switch (see RenderAnswerPage).
// The first trusted input event is the sign of a person: mail scanners
// that run scripts load the page and may wait any number of seconds, but
// they rarely synthesise input. The form's own submit waits for that
// early post, so it can never land after (and undo) the full answer.
const char kAnswerScript[] =
    "(function(){"
    "var f=document.getElementById('answer');if(!f)return;"
    "var l=document.getElementById('followup'),c=document.getElementById('consent');"
    "function checked(){return f.querySelector('input[name=score]:checked');}"
    "f.addEventListener('change',function(e){"
    "if(e.target.name!=='score')return;var n=+e.target.value;"
    "l.textContent=l.getAttribute(n<=6?'data-detractor':n<=8?'data-passive':"
    "'data-promoter');"
    "c.hidden=n<9;});"
    "var ev=['pointermove','pointerdown','keydown','touchstart','wheel'],"
    "sent=false,pending=null;"
    "function early(e){"
    "if(sent||!e.isTrusted||!window.fetch||!checked())return;sent=true;"
    "ev.forEach(function(t){removeEventListener(t,early,true);});"
    "var b=new URLSearchParams();b.set('score',checked().value);"
    "b.set('partial','1');b.set('csrf',f.elements.csrf.value);"
    "pending=fetch(f.action,{method:'POST',body:b,credentials:'omit'})"
    ".catch(function(){});}"
    "ev.forEach(function(t){addEventListener(t,early,{capture:true,passive:true});});"
    "f.addEventListener('submit',function(e){"
    "if(!pending)return;e.preventDefault();var p=pending;pending=null;"
    "p.then(function(){f.submit();});});"
    "})();";

std::string Page(const SurveyContent &c, std::string_view nonce, std::string_view body,
                 bool with_script, bool mark = false, std::string_view banner = {}) {
  const std::string brand =
      c.email.brand_color.empty() ? kDefaultBrand : c.email.brand_color;
  const std::string n = HtmlEscape(nonce);
  std::string out =
      "<!doctype html>\n<html lang=\"" + HtmlEscape(c.email.language) +
      "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
      // An empty icon: otherwise every browser asks for /favicon.ico.
      "<link rel=\"icon\" href=\"data:,\">\n<title>" +
      HtmlEscape(c.page.title) + "</title>\n<style nonce=\"" + n + "\">" +
      Css(brand, TextColorOn(brand)) + ScoreCueCss(c.email) +
      "</style>\n</head>\n<body>\n<main>\n";
  if (!c.email.logo_url.empty()) {
    out += "<img class=\"logo\" src=\"" + HtmlEscape(c.email.logo_url) + "\" alt=\"" +
           HtmlEscape(c.email.sender_name) + "\">\n";
  }
  if (!banner.empty()) {
    out += "<p class=\"banner\" role=\"status\">" + HtmlEscape(banner) + "</p>\n";
  }
  out += "<h1" + FieldMark(mark, "title") + ">" + HtmlEscape(c.page.title) + "</h1>\n";
  out.append(body);
  out += "</main>\n";
  if (with_script) out += "<script nonce=\"" + n + "\">" + kAnswerScript + "</script>\n";
  out += "</body>\n</html>\n";
  return out;
}

std::string Hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" +
         HtmlEscape(value) + "\">\n";
}

// One radio option styled as a button; the label wraps the input, so a
// click on the number selects it and the arrow keys move within the group.
std::string Option(std::string_view name, int value, bool checked,
                   std::string_view band = {}) {
  const std::string v = std::to_string(value);
  const std::string cls = band.empty() ? "opt" : "opt " + std::string(band);
  return "<label class=\"" + cls + "\"><input type=\"radio\" name=\"" +
         std::string(name) + "\" value=\"" + v + "\"" + (checked ? " checked" : "") +
         "><span>" + v + "</span></label>";
}

void AppendScale(const SurveyContent &c, const AnswerForm &form, std::string *out) {
  *out += "<fieldset aria-describedby=\"scale-ends\">\n<legend" +
          FieldMark(form.mark_fields, "question") + ">" + HtmlText(c.email.question) +
          "</legend>\n<div class=\"scale\">";
  for (int score = 0; score < kScoreCount; ++score) {
    *out += Option("score", score, form.score == score,
                   score <= 6   ? "d"
                   : score <= 8 ? "p"
                                : "g");
  }
  *out += "</div>\n<div class=\"ends\" id=\"scale-ends\"><span>0: " +
          HtmlEscape(c.email.low_label) +
          "</span><span>10: " + HtmlEscape(c.email.high_label) +
          "</span></div>\n</fieldset>\n";
}

void AppendTags(const SurveyContent &c, const AnswerForm &form, std::string *out) {
  const SurveyPageContent &p = c.page;
  if (p.tags.empty()) return;
  const bool mark = form.mark_fields;
  *out += "<fieldset aria-describedby=\"rate-ends\">\n<legend" +
          FieldMark(mark, "tags_intro") + ">" + HtmlText(p.tags_intro) +
          "</legend>\n<div class=\"ends\" id=\"rate-ends\"><span" +
          FieldMark(mark, "rating_low_label") + ">1: " + HtmlEscape(p.rating_low_label) +
          "</span><span" + FieldMark(mark, "rating_high_label") +
          ">5: " + HtmlEscape(p.rating_high_label) + "</span></div>\n";
  for (size_t i = 0; i < p.tags.size(); ++i) {
    auto previous = form.previous.tag_ratings.find(p.tags[i]);
    const int rating = previous == form.previous.tag_ratings.end() ? 0 : previous->second;
    const std::string name = "tag_" + std::to_string(i);
    *out += "<fieldset class=\"tag\"><legend>" + HtmlEscape(p.tags[i]) +
            "</legend><div class=\"rate\">";
    for (int r = 1; r <= 5; ++r) *out += Option(name, r, rating == r);
    *out += "</div></fieldset>\n";
  }
  *out += "</fieldset>\n";
}

void AppendQuestions(const SurveyContent &c, const AnswerForm &form, std::string *out) {
  for (const ExtraQuestion &q : c.page.questions) {
    auto previous = form.previous.extra_answers.find(q.id);
    const std::string id = "q_" + q.id;  // ids are [a-z0-9_-]: safe as they are
    *out +=
        "<label class=\"field\" for=\"" + id + "\">" + HtmlText(q.text) +
        "</label>\n<textarea id=\"" + id + "\" name=\"" + id + "\" maxlength=\"2000\">" +
        (previous == form.previous.extra_answers.end() ? ""
                                                       : HtmlEscape(previous->second)) +
        "</textarea>\n";
  }
}

}  // namespace

std::string RenderAnswerPage(const SurveyContent &c, const AnswerForm &form,
                             std::string_view nonce) {
  const SurveyPageContent &p = c.page;
  const int band_score = form.score.value_or(10);
  std::string body = "<form id=\"answer\" method=\"post\" action=\"" +
                     HtmlEscape(form.action) + "\">\n" + Hidden("csrf", form.form_token);
  AppendScale(c, form, &body);
  body += "<label class=\"field\" for=\"comment\" id=\"followup\" data-detractor=\"" +
          HtmlEscape(p.followup_detractor) + "\" data-passive=\"" +
          HtmlEscape(p.followup_passive) + "\" data-promoter=\"" +
          HtmlEscape(p.followup_promoter) + "\"" +
          FieldMark(form.mark_fields, band_score <= 6   ? "followup_detractor"
                                      : band_score <= 8 ? "followup_passive"
                                                        : "followup_promoter") +
          ">" + HtmlText(FollowupFor(p, band_score)) +
          "</label>\n<textarea id=\"comment\" name=\"comment\" maxlength=\"5000\">" +
          HtmlEscape(form.previous.comment) + "</textarea>\n";
  AppendTags(c, form, &body);
  AppendQuestions(c, form, &body);
  const bool promoter = form.score && IsPromoterScore(*form.score);
  body += std::string("<div id=\"consent\"") + (promoter ? "" : " hidden") +
          "><label class=\"check\"><input type=\"checkbox\" name=\"consent\" "
          "value=\"on\"" +
          (form.previous.consent ? " checked" : "") + "><span" +
          FieldMark(form.mark_fields, "consent_text") + ">" + HtmlText(p.consent_text) +
          "</span></label></div>\n";
  body += "<button type=\"submit\"" + FieldMark(form.mark_fields, "submit_label") + ">" +
          HtmlEscape(p.submit_label) + "</button>\n</form>\n";
  return Page(c, nonce, body, form.with_script, form.mark_fields, form.banner);
}

std::string RenderThankYouPage(const SurveyContent &c, std::string_view review_href,
                               std::string_view banner, std::string_view nonce,
                               bool mark) {
  const std::string thanks = RichTextToHtml(c.page.thank_you, {});
  std::string body =
      mark ? "<div" + FieldMark(mark, "thank_you") + ">\n" + thanks + "</div>\n" : thanks;
  if (!review_href.empty()) {
    body += "<p class=\"review\"><a href=\"" + HtmlEscape(review_href) +
            "\" rel=\"noopener noreferrer\"" + FieldMark(mark, "review_text") + ">" +
            HtmlEscape(c.page.review_text) + "</a></p>\n";
  }
  return Page(c, nonce, body, /*with_script=*/false, mark, banner);
}

std::string RenderUnsubscribePage(const SurveyContent &c, std::string_view action,
                                  std::string_view form_token, std::string_view nonce) {
  const std::string body = "<p>" + HtmlText(c.page.unsubscribe_question) +
                           "</p>\n<form method=\"post\" action=\"" + HtmlEscape(action) +
                           "\">\n" + Hidden("csrf", form_token) +
                           "<button type=\"submit\">" +
                           HtmlEscape(c.page.unsubscribe_button) + "</button>\n</form>\n";
  return Page(c, nonce, body, /*with_script=*/false);
}

std::string RenderMessagePage(const SurveyContent &c, const RichText &message,
                              std::string_view nonce, std::string_view mark_field) {
  const bool mark = !mark_field.empty();
  const std::string html = RichTextToHtml(message, {});
  return Page(
      c, nonce,
      mark ? "<div" + FieldMark(mark, mark_field) + ">\n" + html + "</div>\n" : html,
      /*with_script=*/false, mark);
}

std::string PageContentSecurityPolicy(std::string_view nonce) {
  const std::string n(nonce);
  return "default-src 'none'; style-src 'nonce-" + n + "'; script-src 'nonce-" + n +
         "'; img-src http: https: data:; connect-src 'self'; form-action 'self'; "
         "frame-ancestors 'none'; base-uri 'none'";
}

}  // namespace callexa
