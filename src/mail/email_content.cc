#include "mail/email_content.h"

#include "common/email_address.h"
#include "common/html_escape.h"
#include "common/utf8.h"
#include "common/web_url.h"
#include "mail/mime_encoding.h"

namespace callexa {
namespace {

const char kFirstNamePlaceholder[] = "{first_name}";

SurveyEmailContent EnglishDefaults() {
  SurveyEmailContent c;
  c.language = "en";
  c.subject = "How likely are you to recommend us?";
  c.greeting = "Hi {first_name},";
  c.greeting_no_name = "Hello,";
  c.intro =
      "Thank you for being our customer. We would love to know how we are "
      "doing, and it only takes one click.";
  c.question = "How likely are you to recommend us to a friend or colleague?";
  c.low_label = "Not likely";
  c.high_label = "Very likely";
  c.footer = "You are receiving this email because you are one of our customers.";
  c.unsubscribe_text = "Unsubscribe";
  c.reminder_subject = "A quick reminder: how likely are you to recommend us?";
  c.reminder_intro =
      "A few days ago we asked how we are doing. If you have a moment, one click is "
      "all it takes, and it helps us a lot.";
  return c;
}

SurveyEmailContent GermanDefaults() {
  SurveyEmailContent c;
  c.language = "de";
  c.subject = "Ihre Meinung zählt: Würden Sie uns weiterempfehlen?";
  c.greeting = "Hallo {first_name},";
  c.greeting_no_name = "Guten Tag,";
  c.intro =
      "vielen Dank, dass Sie unser Kunde sind. Wir möchten gern wissen, wie "
      "zufrieden Sie mit uns sind – es dauert nur einen Klick.";
  c.question =
      "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen "
      "weiterempfehlen?";
  c.low_label = "Unwahrscheinlich";
  c.high_label = "Sehr wahrscheinlich";
  c.footer = "Sie erhalten diese E-Mail, weil Sie Kunde bei uns sind.";
  c.unsubscribe_text = "Abmelden";
  c.reminder_subject = "Kurze Erinnerung: Würden Sie uns weiterempfehlen?";
  c.reminder_intro =
      "vor ein paar Tagen haben wir Sie gefragt, wie zufrieden Sie mit uns sind. Wenn "
      "Sie einen Moment Zeit haben: Ein Klick genügt, und er hilft uns sehr.";
  return c;
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char &c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void UseSingleLine(const std::string &text, const std::string &fallback,
                   std::string *out) {
  *out = SanitizeHeaderText(text.empty() ? fallback : text);
}

void UseMultiline(const std::string &text, const std::string &fallback,
                  std::string *out) {
  *out = SanitizeMultilineText(text.empty() ? fallback : text);
}

}  // namespace

bool IsHexColor(std::string_view color) {
  if (color.size() != 7 || color[0] != '#') return false;
  for (char c : color.substr(1)) {
    const bool hex =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

Result<SurveyEmailContent> DefaultSurveyEmailContent(std::string_view language) {
  const std::string lang = Lowercase(language);
  if (lang == "en") return EnglishDefaults();
  if (lang == "de") return GermanDefaults();
  return Status::InvalidArgument("language must be \"en\" or \"de\"");
}

Result<SurveyEmailContent> ResolveSurveyEmailContent(const SurveyEmailContent &content) {
  Result<SurveyEmailContent> defaults =
      DefaultSurveyEmailContent(content.language.empty() ? "en" : content.language);
  if (!defaults.ok()) return defaults.status();
  const SurveyEmailContent &d = *defaults;
  SurveyEmailContent r;
  r.language = d.language;
  UseSingleLine(content.subject, d.subject, &r.subject);
  UseSingleLine(content.greeting, d.greeting, &r.greeting);
  UseSingleLine(content.greeting_no_name, d.greeting_no_name, &r.greeting_no_name);
  r.intro = content.intro.empty() ? d.intro : content.intro;
  UseMultiline(content.question, d.question, &r.question);
  UseSingleLine(content.low_label, d.low_label, &r.low_label);
  UseSingleLine(content.high_label, d.high_label, &r.high_label);
  r.footer = content.footer.empty() ? d.footer : content.footer;
  UseSingleLine(content.unsubscribe_text, d.unsubscribe_text, &r.unsubscribe_text);
  UseSingleLine(content.reminder_subject, d.reminder_subject, &r.reminder_subject);
  r.reminder_intro =
      content.reminder_intro.empty() ? d.reminder_intro : content.reminder_intro;
  r.sender_name = SanitizeHeaderText(content.sender_name);
  r.score_colors = content.score_colors;

  if (!IsValidMailAddress(content.sender_address)) {
    return Status::InvalidArgument("sender_address is not a valid email address");
  }
  r.sender_address = content.sender_address;
  if (!content.logo_url.empty()) {
    Status s = CheckWebUrl(content.logo_url, /*require_https=*/false, "logo_url");
    if (!s.ok()) return s;
    r.logo_url = content.logo_url;
  }
  if (!content.brand_color.empty()) {
    if (!IsHexColor(content.brand_color)) {
      return Status::InvalidArgument("brand_color must be a colour like #1a2b3c");
    }
    r.brand_color = Lowercase(content.brand_color);
  }
  return r;
}

SurveyEmailContent ReminderContent(const SurveyEmailContent &content) {
  SurveyEmailContent r = content;
  r.subject = content.reminder_subject;
  r.intro = content.reminder_intro;
  return r;
}

std::string PersonalGreeting(const SurveyEmailContent &content,
                             std::string_view first_name) {
  const std::string name = SanitizeHeaderText(first_name, 100);
  if (name.empty()) return content.greeting_no_name;
  std::string out;
  const std::string_view g = content.greeting;
  const std::string_view placeholder = kFirstNamePlaceholder;
  size_t pos = 0;
  for (size_t hit; (hit = g.find(placeholder, pos)) != std::string_view::npos;) {
    out.append(g.substr(pos, hit - pos));
    out += name;
    pos = hit + placeholder.size();
  }
  out.append(g.substr(pos));
  return out;
}

Status CheckSurveyLinks(const SurveyLinks &links) {
  for (int score = 0; score < kScoreCount; ++score) {
    Status s = CheckWebUrl(links.score_urls[score], /*require_https=*/false,
                           "score URL " + std::to_string(score));
    if (!s.ok()) return s;
  }
  // http is allowed for installations without TLS (and tests); the email
  // then offers no one-click unsubscribe, which RFC 8058 ties to https.
  Status s =
      CheckWebUrl(links.unsubscribe_url, /*require_https=*/false, "unsubscribe URL");
  if (!s.ok()) return s;
  return CheckWebUrl(links.one_click_unsubscribe_url, /*require_https=*/false,
                     "one-click unsubscribe URL");
}

}  // namespace callexa
