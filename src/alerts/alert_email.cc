#include "alerts/alert_email.h"

#include <time.h>

#include <nlohmann/json.hpp>

#include "common/email_address.h"
#include "common/html_escape.h"
#include "common/utf8.h"
#include "mail/html_email_frame.h"
#include "mail/mime_encoding.h"
#include "mail/mime_message.h"

namespace callexa {
namespace {

const char kFont[] = "font-family:Arial,Helvetica,sans-serif;";
const char kTextColor[] = "#1f2937";
const char kMutedColor[] = "#4b5563";  // 7.6:1 on white
const char kButtonColor[] = "#1d4ed8";
constexpr size_t kTraitBytes = 100;

// The words of one language.
struct Labels {
  const char *detractor, *passive, *promoter;
  const char *from;   // "from" in the subject
  const char *alert;  // above the heading
  const char *no_comment;
  const char *customer, *tag_ratings, *answers, *traits;
  const char *email, *name, *user_id, *answered;
  const char *open;    // the button
  const char *footer;  // before the survey name
  const char *footer_end;
};

const Labels kEnglish = {
    "Detractor",
    "Passive",
    "Promoter",
    "from",
    "New answer",
    "No comment.",
    "Customer",
    "Tag ratings",
    "Answers",
    "Traits",
    "Email",
    "Name",
    "User id",
    "Answered",
    "Open in the inbox",
    "You receive this alert because your address is on the alert list of ",
    ". Change the list in the Alerts card of the survey's dashboard."};
const Labels kGerman = {
    "Kritiker",
    "Indifferenter",
    "Promoter",
    "von",
    "Neue Antwort",
    "Kein Kommentar.",
    "Kunde",
    "Bewertungen",
    "Antworten",
    "Merkmale",
    "E-Mail",
    "Name",
    "Benutzer-ID",
    "Beantwortet",
    "Im Posteingang öffnen",
    "Sie erhalten diese Benachrichtigung, weil Ihre Adresse auf der Liste von ",
    " steht. Die Liste ändern Sie im Dashboard der Umfrage, unter Alerts."};

const Labels &LabelsFor(const std::string &language) {
  return language == "de" ? kGerman : kEnglish;
}

const char *Band(const Labels &l, int score) {
  return score <= 6 ? l.detractor : score <= 8 ? l.passive : l.promoter;
}

const char *BandColor(int score) {
  return score <= 6 ? "#dc2626" : score <= 8 ? "#b45309" : "#15803d";
}

// "5 Dec 2026, 14:03 UTC" / "05.12.2026, 14:03 UTC".
std::string When(int64_t t, const std::string &language) {
  const time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[40];
  strftime(buf, sizeof buf,
           language == "de" ? "%d.%m.%Y, %H:%M UTC" : "%e %b %Y, %H:%M UTC", &tm);
  std::string out(buf);
  if (!out.empty() && out[0] == ' ') out.erase(0, 1);
  return out;
}

std::string Subject(const AlertEmailInput &in, const Labels &l) {
  const int score = in.answer.score;
  return SanitizeHeaderText(std::string(Band(l, score)) + " (" + std::to_string(score) +
                            "/10) " + l.from + " " + in.email + " \u2014 " +
                            in.survey_name);
}

std::string RenderText(const AlertEmailInput &in, const Labels &l,
                       const std::string &subject) {
  std::string out = subject + "\n\n";
  out += in.answer.comment.empty() ? std::string(l.no_comment)
                                   : "\u201c" + in.answer.comment + "\u201d";
  out += "\n\n";
  if (!in.answer.tag_ratings.empty()) {
    out += std::string(l.tag_ratings) + ":\n";
    for (const auto &[tag, rating] : in.answer.tag_ratings) {
      out += "  " + tag + ": " + std::to_string(rating) + "/5\n";
    }
    out += "\n";
  }
  if (!in.extra_answers.empty()) {
    out += std::string(l.answers) + ":\n";
    for (const auto &[question, text] : in.extra_answers) {
      out += "  " + question + "\n    " + text + "\n";
    }
    out += "\n";
  }
  out += std::string(l.customer) + ":\n";
  if (!in.name.empty()) out += "  " + std::string(l.name) + ": " + in.name + "\n";
  out += "  " + std::string(l.email) + ": " + in.email + "\n";
  if (!in.user_id.empty())
    out += "  " + std::string(l.user_id) + ": " + in.user_id + "\n";
  for (const auto &[key, value] : in.traits) out += "  " + key + ": " + value + "\n";
  out += "  " + std::string(l.answered) + ": " + When(in.answered_at, in.language) + "\n";
  if (!in.answer_url.empty())
    out += "\n" + std::string(l.open) + ": " + in.answer_url + "\n";
  out += "\n-- \n" + std::string(l.footer) + in.survey_name + l.footer_end + "\n";
  return out;
}

std::string Section(const std::string &title, const std::string &body) {
  return "<tr><td style=\"padding:16px 24px 0 24px;" + std::string(kFont) +
         "color:" + kTextColor +
         ";\"><h2 style=\"margin:0 0 8px 0;font-size:16px;line-height:22px;\">" +
         HtmlEscape(title) + "</h2>\n" + body + "</td></tr>\n";
}

// Label / value rows.
std::string Rows(const std::vector<std::pair<std::string, std::string>> &rows) {
  std::string out =
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "border=\"0\">";
  for (const auto &[label, value] : rows) {
    out += "<tr><td valign=\"top\" width=\"36%\" style=\"padding:3px 12px 3px 0;" +
           std::string(kFont) + "font-size:14px;line-height:20px;color:" + kMutedColor +
           ";word-break:break-word;\">" + HtmlEscape(label) +
           "</td><td valign=\"top\" style=\"padding:3px 0;" + kFont +
           "font-size:14px;line-height:20px;color:" + kTextColor +
           ";word-break:break-word;\">" + HtmlText(value) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string RenderHtml(const AlertEmailInput &in, const Labels &l,
                       const std::string &subject) {
  const int score = in.answer.score;
  const char *color = BandColor(score);
  std::string out = HtmlEmailHead(in.language == "de" ? "de" : "en", subject);
  out += HtmlEmailCardStart();
  out += "<tr><td style=\"padding:24px 24px 0 24px;" + std::string(kFont) +
         "color:" + kTextColor +
         ";\"><div style=\"font-size:13px;line-height:18px;color:" + kMutedColor +
         ";\">" + HtmlEscape(l.alert) + " &middot; " +
         HtmlEscape(SanitizeHeaderText(in.survey_name)) +
         "</div><table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
         "border=\"0\" style=\"margin:8px 0 0 0;\"><tr><td width=\"52\" height=\"52\" "
         "align=\"center\" bgcolor=\"" +
         color + "\" style=\"background-color:" + color + ";color:#ffffff;" + kFont +
         "font-size:24px;font-weight:bold;line-height:52px;\">" + std::to_string(score) +
         "</td><td style=\"padding:0 0 0 14px;" + kFont +
         "\"><h1 style=\"margin:0;font-size:22px;line-height:28px;color:" + kTextColor +
         ";\">" + HtmlEscape(Band(l, score)) + " &middot; " + std::to_string(score) +
         "/10</h1><div style=\"font-size:14px;line-height:20px;color:" + kMutedColor +
         ";word-break:break-word;\">" +
         HtmlEscape(in.name.empty() ? in.email : in.name + " \u00b7 " + in.email) +
         "</div></td></tr></table></td></tr>\n";
  out +=
      "<tr><td style=\"padding:16px 24px 0 24px;\"><div style=\"border-left:4px solid " +
      std::string(color) + ";padding:8px 12px;background-color:#f9fafb;" + kFont +
      "font-size:16px;line-height:24px;color:" + kTextColor +
      ";word-break:break-word;\">" +
      (in.answer.comment.empty() ? "<span style=\"color:" + std::string(kMutedColor) +
                                       ";\">" + HtmlEscape(l.no_comment) + "</span>"
                                 : HtmlText(in.answer.comment)) +
      "</div></td></tr>\n";
  if (!in.answer.tag_ratings.empty()) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto &[tag, rating] : in.answer.tag_ratings) {
      rows.emplace_back(tag, std::to_string(rating) + "/5");
    }
    out += Section(l.tag_ratings, Rows(rows));
  }
  if (!in.extra_answers.empty()) out += Section(l.answers, Rows(in.extra_answers));
  std::vector<std::pair<std::string, std::string>> who;
  if (!in.name.empty()) who.emplace_back(l.name, in.name);
  who.emplace_back(l.email, in.email);
  if (!in.user_id.empty()) who.emplace_back(l.user_id, in.user_id);
  for (const auto &trait : in.traits) who.push_back(trait);
  who.emplace_back(l.answered, When(in.answered_at, in.language));
  out += Section(l.customer, Rows(who));
  if (!in.answer_url.empty()) {
    const std::string button = in.brand_color.empty() ? kButtonColor : in.brand_color;
    out +=
        "<tr><td style=\"padding:20px 24px 0 24px;\"><table role=\"presentation\" "
        "cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td bgcolor=\"" +
        HtmlEscape(button) + "\" style=\"background-color:" + HtmlEscape(button) +
        ";border-radius:6px;\"><a href=\"" + HtmlEscape(in.answer_url) +
        "\" target=\"_blank\" style=\"display:inline-block;padding:12px 20px;" + kFont +
        "font-size:15px;font-weight:bold;color:#ffffff;text-decoration:none;\">" +
        HtmlEscape(l.open) + "</a></td></tr></table></td></tr>\n";
  }
  out += "<tr><td style=\"padding:24px;" + std::string(kFont) +
         "font-size:12px;line-height:18px;color:" + kMutedColor + ";\">" +
         HtmlEscape(l.footer) + HtmlEscape(SanitizeHeaderText(in.survey_name)) +
         HtmlEscape(l.footer_end) + "</td></tr>\n";
  out += HtmlEmailCardEnd();
  return out;
}

}  // namespace

AlertEmailBodies RenderAlertBodies(const AlertEmailInput &input) {
  AlertEmailInput in = input;
  in.survey_name = SanitizeHeaderText(in.survey_name);
  const Labels &l = LabelsFor(in.language);
  AlertEmailBodies out;
  out.subject = Subject(in, l);
  out.text = RenderText(in, l, out.subject);
  out.html = RenderHtml(in, l, out.subject);
  return out;
}

std::vector<std::pair<std::string, std::string>> AlertKeyTraits(
    std::string_view traits_json) {
  std::vector<std::pair<std::string, std::string>> out;
  const nlohmann::json traits = nlohmann::json::parse(traits_json, nullptr, false);
  if (!traits.is_object()) return out;
  for (auto it = traits.begin(); it != traits.end() && out.size() < kAlertTraits; ++it) {
    const std::string &key = it.key();
    if (key == "email" || key == "name" || key == "firstName" || key == "lastName" ||
        key == "first_name" || key == "last_name") {
      continue;
    }
    std::string value;
    if (it->is_string()) {
      value = it->get<std::string>();
    } else if (it->is_number() || it->is_boolean()) {
      value = it->dump();
    } else {
      continue;
    }
    if (value.empty()) continue;
    if (value.size() > kTraitBytes) {
      size_t cut = kTraitBytes;  // at a character boundary
      while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
      value = value.substr(0, cut) + "\u2026";
    }
    value = SanitizeHeaderText(value, kTraitBytes + 4);
    out.emplace_back(key, std::move(value));
  }
  return out;
}

Result<std::string> RenderAlertEmail(const AlertEmailInput &input,
                                     const AlertEnvelope &envelope) {
  const auto bodies = RenderAlertBodies(input);
  return BuildNotificationEmail(envelope, bodies.subject, bodies.text, bodies.html);
}

}  // namespace callexa
