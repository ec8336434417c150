#include "survey/survey_content.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "common/html_escape.h"
#include "common/utf8.h"
#include "common/web_url.h"
#include "mail/mime_encoding.h"

namespace callexa {
namespace {

using nlohmann::json;

enum class Kind { kLine, kMultiline };

// One text field of the stored object; the tables below drive reading,
// writing and defaults alike, so a new text is one line in one table.
template <typename Part>
struct TextField {
  const char *name;
  std::string Part::*member;
  Kind kind;
  size_t max_bytes;
};

const TextField<SurveyEmailContent> kEmailTexts[] = {
    {"subject", &SurveyEmailContent::subject, Kind::kLine, 200},
    {"greeting", &SurveyEmailContent::greeting, Kind::kLine, 200},
    {"greeting_no_name", &SurveyEmailContent::greeting_no_name, Kind::kLine, 200},
    {"question", &SurveyEmailContent::question, Kind::kMultiline, 1000},
    {"low_label", &SurveyEmailContent::low_label, Kind::kLine, 100},
    {"high_label", &SurveyEmailContent::high_label, Kind::kLine, 100},
    {"unsubscribe_text", &SurveyEmailContent::unsubscribe_text, Kind::kLine, 100},
    {"reminder_subject", &SurveyEmailContent::reminder_subject, Kind::kLine, 200},
    // No defaults for these three: empty means none.
    {"sender_name", &SurveyEmailContent::sender_name, Kind::kLine, 100},
    {"logo_url", &SurveyEmailContent::logo_url, Kind::kLine, kMaxUrlLength},
    {"brand_color", &SurveyEmailContent::brand_color, Kind::kLine, 7},
    {"score_colors", &SurveyEmailContent::score_colors, Kind::kLine, 6},
};

const TextField<SurveyPageContent> kPageTexts[] = {
    {"title", &SurveyPageContent::title, Kind::kLine, 200},
    {"followup_detractor", &SurveyPageContent::followup_detractor, Kind::kMultiline,
     1000},
    {"followup_passive", &SurveyPageContent::followup_passive, Kind::kMultiline, 1000},
    {"followup_promoter", &SurveyPageContent::followup_promoter, Kind::kMultiline, 1000},
    {"tags_intro", &SurveyPageContent::tags_intro, Kind::kMultiline, 500},
    {"rating_low_label", &SurveyPageContent::rating_low_label, Kind::kLine, 100},
    {"rating_high_label", &SurveyPageContent::rating_high_label, Kind::kLine, 100},
    {"consent_text", &SurveyPageContent::consent_text, Kind::kMultiline, 1000},
    // No default: empty means no review invitation.
    {"review_url", &SurveyPageContent::review_url, Kind::kLine, kMaxUrlLength},
    {"review_text", &SurveyPageContent::review_text, Kind::kLine, 100},
    {"submit_label", &SurveyPageContent::submit_label, Kind::kLine, 100},
    {"expired_text", &SurveyPageContent::expired_text, Kind::kMultiline, 1000},
    {"unsubscribe_question", &SurveyPageContent::unsubscribe_question, Kind::kMultiline,
     1000},
    {"unsubscribe_button", &SurveyPageContent::unsubscribe_button, Kind::kLine, 100},
    {"unsubscribed_text", &SurveyPageContent::unsubscribed_text, Kind::kMultiline, 1000},
};

// The rich texts, each at most 2000 bytes of text.
template <typename Part>
struct RichField {
  const char *name;
  RichText Part::*member;
};
const RichField<SurveyEmailContent> kEmailRichTexts[] = {
    {"intro", &SurveyEmailContent::intro},
    {"footer", &SurveyEmailContent::footer},
    {"reminder_intro", &SurveyEmailContent::reminder_intro},
};
const RichField<SurveyPageContent> kPageRichTexts[] = {
    {"thank_you", &SurveyPageContent::thank_you},
};
constexpr size_t kMaxRichTextBytes = 2000;

constexpr size_t kMaxTagBytes = 60;
constexpr size_t kMaxQuestionIdBytes = 32;
constexpr size_t kMaxQuestionBytes = 500;

SurveyPageContent EnglishPage() {
  SurveyPageContent p;
  p.title = "Your feedback";
  p.followup_detractor = "We are sorry to hear that. What should we do better?";
  p.followup_passive = "Thank you! What would make us a 10 for you?";
  p.followup_promoter = "Great to hear! What do you like most about us?";
  p.tags_intro = "How would you rate us on the following?";
  p.rating_low_label = "Poor";
  p.rating_high_label = "Excellent";
  p.consent_text = "You may quote my comment publicly, with my first name.";
  p.review_text = "Would you share this in a review?";
  p.submit_label = "Send feedback";
  p.thank_you = "Thank you for your feedback!";
  p.expired_text = "This survey link has expired. Thank you for your interest.";
  p.unsubscribe_question = "Do you want to stop receiving surveys from us?";
  p.unsubscribe_button = "Unsubscribe";
  p.unsubscribed_text = "You are unsubscribed and will receive no more surveys from us.";
  return p;
}

SurveyPageContent GermanPage() {
  SurveyPageContent p;
  p.title = "Ihre Meinung";
  p.followup_detractor = "Das tut uns leid. Was sollten wir besser machen?";
  p.followup_passive = "Vielen Dank! Was fehlt uns zur 10?";
  p.followup_promoter = "Das freut uns! Was gefällt Ihnen an uns am besten?";
  p.tags_intro = "Wie bewerten Sie uns in diesen Punkten?";
  p.rating_low_label = "Schlecht";
  p.rating_high_label = "Hervorragend";
  p.consent_text = "Sie dürfen meinen Kommentar mit meinem Vornamen öffentlich zitieren.";
  p.review_text = "Möchten Sie das in einer Bewertung teilen?";
  p.submit_label = "Feedback senden";
  p.thank_you = "Vielen Dank für Ihr Feedback!";
  p.expired_text = "Dieser Umfrage-Link ist abgelaufen. Vielen Dank für Ihr Interesse.";
  p.unsubscribe_question = "Möchten Sie keine Umfragen mehr von uns erhalten?";
  p.unsubscribe_button = "Abmelden";
  p.unsubscribed_text = "Sie sind abgemeldet und erhalten keine Umfragen mehr von uns.";
  return p;
}

// Texts are cleaned as the email cleans them (mail/mime_encoding.h,
// common/utf8.h): single-line ones lose line breaks and control
// characters, multi-line ones keep "\n" and tab. Lengths count the
// cleaned text.
Status ReadText(const json &v, const std::string &field, Kind kind, size_t max_bytes,
                std::string *out) {
  if (v.is_null()) {
    out->clear();
    return Status::Ok();
  }
  if (!v.is_string()) return Status::InvalidArgument(field + " must be a string");
  const std::string &raw = v.get_ref<const std::string &>();
  std::string text = kind == Kind::kLine ? SanitizeHeaderText(raw, raw.size())
                                         : SanitizeMultilineText(raw);
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(field + " must be at most " +
                                   std::to_string(max_bytes) + " bytes");
  }
  *out = std::move(text);
  return Status::Ok();
}

template <typename Field, size_t N>
const Field *FindField(const Field (&table)[N], const std::string &name) {
  for (const Field &f : table) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

template <typename Part>
Status ReadRich(const json &v, const std::string &field, RichText Part::*member,
                Part *part) {
  Result<RichText> text = ReadRichText(v, field, kMaxRichTextBytes);
  if (!text.ok()) return text.status();
  part->*member = std::move(*text);
  return Status::Ok();
}

bool IsQuestionId(const std::string &id) {
  if (id.empty() || id.size() > kMaxQuestionIdBytes) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A list field: null (none) or an array of at most `max` entries.
Status CheckList(const json &v, const std::string &name, size_t max) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_array())
    return Status::InvalidArgument("content." + name + " must be an array");
  if (v.size() > max) {
    return Status::InvalidArgument("content." + name + " may have at most " +
                                   std::to_string(max) + " entries");
  }
  return Status::Ok();
}

Status ReadTags(const json &v, std::vector<std::string> *tags) {
  tags->clear();
  Status checked = CheckList(v, "tags", kMaxTags);
  if (!checked.ok() || v.is_null()) return checked;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string field = "content.tags[" + std::to_string(i) + "]";
    std::string tag;
    Status s = ReadText(v[i], field, Kind::kLine, kMaxTagBytes, &tag);
    if (!s.ok()) return s;
    if (tag.empty()) return Status::InvalidArgument(field + " must not be empty");
    for (const std::string &seen : *tags) {
      if (seen == tag) return Status::InvalidArgument(field + " repeats \"" + tag + "\"");
    }
    tags->push_back(std::move(tag));
  }
  return Status::Ok();
}

Status ReadQuestions(const json &v, std::vector<ExtraQuestion> *questions) {
  questions->clear();
  Status checked = CheckList(v, "questions", kMaxExtraQuestions);
  if (!checked.ok() || v.is_null()) return checked;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string field = "content.questions[" + std::to_string(i) + "]";
    const json &q = v[i];
    if (!q.is_object()) {
      return Status::InvalidArgument(field + " must be an object with id and text");
    }
    ExtraQuestion out;
    for (auto it = q.begin(); it != q.end(); ++it) {
      Status s;
      if (it.key() == "id") {
        s = ReadText(it.value(), field + ".id", Kind::kLine, kMaxQuestionIdBytes,
                     &out.id);
      } else if (it.key() == "text") {
        s = ReadText(it.value(), field + ".text", Kind::kMultiline, kMaxQuestionBytes,
                     &out.text);
      } else {
        s = Status::InvalidArgument(field + "." + it.key() + " is not a known field");
      }
      if (!s.ok()) return s;
    }
    if (!IsQuestionId(out.id)) {
      return Status::InvalidArgument(field +
                                     ".id must be 1 to 32 of a-z, 0-9, \"_\" and \"-\"");
    }
    if (out.text.empty()) return Status::InvalidArgument(field + ".text is required");
    for (const ExtraQuestion &seen : *questions) {
      if (seen.id == out.id) {
        return Status::InvalidArgument(field + ".id repeats \"" + out.id + "\"");
      }
    }
    questions->push_back(std::move(out));
  }
  return Status::Ok();
}

// The checks beyond type and length for the three email fields that are
// not free text.
Status CheckEmailSpecials(SurveyEmailContent *e) {
  for (char &c : e->language) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!e->language.empty() && e->language != "en" && e->language != "de") {
    return Status::InvalidArgument("content.language must be \"en\" or \"de\"");
  }
  if (!e->logo_url.empty()) {
    Status s = CheckWebUrl(e->logo_url, /*require_https=*/false, "content.logo_url");
    if (!s.ok()) return s;
  }
  if (!e->brand_color.empty() && !IsHexColor(e->brand_color)) {
    return Status::InvalidArgument("content.brand_color must be a colour like #1a2b3c");
  }
  if (!e->score_colors.empty() && e->score_colors != "bands" &&
      e->score_colors != "brand") {
    return Status::InvalidArgument("content.score_colors must be \"bands\" or \"brand\"");
  }
  return Status::Ok();
}

}  // namespace

Result<SurveyContent> ReadSurveyContent(const json &content) {
  if (!content.is_object()) {
    return Status::InvalidArgument("content must be a JSON object");
  }
  SurveyContent out;
  out.email.language.clear();  // unset until given
  for (auto it = content.begin(); it != content.end(); ++it) {
    const std::string &key = it.key();
    const std::string field = "content." + key;
    Status s;
    if (key == "language") {
      s = ReadText(it.value(), field, Kind::kLine, 2, &out.email.language);
    } else if (key == "tags") {
      s = ReadTags(it.value(), &out.page.tags);
    } else if (key == "questions") {
      s = ReadQuestions(it.value(), &out.page.questions);
    } else if (const auto *f = FindField(kEmailTexts, key)) {
      s = ReadText(it.value(), field, f->kind, f->max_bytes, &(out.email.*(f->member)));
    } else if (const auto *p = FindField(kPageTexts, key)) {
      s = ReadText(it.value(), field, p->kind, p->max_bytes, &(out.page.*(p->member)));
    } else if (const auto *r = FindField(kEmailRichTexts, key)) {
      s = ReadRich(it.value(), field, r->member, &out.email);
    } else if (const auto *pr = FindField(kPageRichTexts, key)) {
      s = ReadRich(it.value(), field, pr->member, &out.page);
    } else if (key == "sender_address") {
      s = Status::InvalidArgument(
          "content.sender_address is not part of the content: the callexa_mail_from "
          "directive sets it");
    } else {
      s = Status::InvalidArgument(field + " is not a known field");
    }
    if (!s.ok()) return s;
  }
  Status s = CheckEmailSpecials(&out.email);
  if (!s.ok()) return s;
  // The owner's review site: https only, as the 303 to it leaves our site.
  if (!out.page.review_url.empty()) {
    s = CheckWebUrl(out.page.review_url, /*require_https=*/true, "content.review_url");
    if (!s.ok()) return s;
  }
  return out;
}

Result<SurveyContent> ParseSurveyContent(std::string_view text) {
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::InvalidArgument("content is not valid JSON");
  Result<SurveyContent> read = ReadSurveyContent(parsed);
  if (!read.ok()) return read;
  SurveyContent &c = *read;
  if (c.email.language.empty()) c.email.language = "en";
  Result<SurveyEmailContent> email_defaults = DefaultSurveyEmailContent(c.email.language);
  if (!email_defaults.ok()) return email_defaults.status();
  const SurveyPageContent page_defaults =
      c.email.language == "de" ? GermanPage() : EnglishPage();
  for (const auto &f : kEmailTexts) {
    std::string &text = c.email.*(f.member);
    if (text.empty()) text = (*email_defaults).*(f.member);
  }
  for (const auto &f : kPageTexts) {
    std::string &text = c.page.*(f.member);
    if (text.empty()) text = page_defaults.*(f.member);
  }
  for (const auto &f : kEmailRichTexts) {
    if ((c.email.*(f.member)).empty())
      c.email.*(f.member) = (*email_defaults).*(f.member);
  }
  for (const auto &f : kPageRichTexts) {
    if ((c.page.*(f.member)).empty()) c.page.*(f.member) = page_defaults.*(f.member);
  }
  return read;
}

json SurveyContentToJson(const SurveyContent &c) {
  json out = json::object();
  out["language"] = c.email.language;
  for (const auto &f : kEmailTexts) out[f.name] = c.email.*(f.member);
  for (const auto &f : kPageTexts) out[f.name] = c.page.*(f.member);
  // Unset rich texts are "", like every other unset text.
  const auto rich = [](const RichText &t) {
    return t.empty() ? json("") : RichTextToJson(t);
  };
  for (const auto &f : kEmailRichTexts) out[f.name] = rich(c.email.*(f.member));
  for (const auto &f : kPageRichTexts) out[f.name] = rich(c.page.*(f.member));
  out["tags"] = c.page.tags;
  json questions = json::array();
  for (const ExtraQuestion &q : c.page.questions) {
    questions.push_back({{"id", q.id}, {"text", q.text}});
  }
  out["questions"] = std::move(questions);
  return out;
}

namespace {

// Every string in `v` (a text, or a rich text document's JSON, whose node
// names hold no braces), with where it is.
void CollectTexts(const json &v, const std::string &where,
                  std::vector<std::pair<std::string, std::string>> *out,
                  bool in_document = false) {
  if (v.is_string()) {
    out->emplace_back(where, v.get<std::string>());
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      CollectTexts(v[i], in_document ? where : where + "[" + std::to_string(i) + "]", out,
                   in_document);
    }
  } else if (v.is_object()) {
    // A question is named by its text; a document's parts by their field.
    const bool question = !in_document && v.contains("id") && v.contains("text");
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (question && it.key() == "id") continue;
      CollectTexts(it.value(), question ? where + "." + it.key() : where, out, !question);
    }
  }
}

bool IsWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ';
}

}  // namespace

Status CheckPlaceholders(const json &content) {
  if (!content.is_object()) return Status::Ok();
  std::vector<std::pair<std::string, std::string>> texts;
  for (auto it = content.begin(); it != content.end(); ++it) {
    // Not texts a customer reads, or with braces of their own.
    if (it.key() == "logo_url" || it.key() == "brand_color" || it.key() == "review_url") {
      continue;
    }
    CollectTexts(it.value(), "content." + it.key(), &texts);
  }
  const std::string_view valid = kFirstNamePlaceholderText;
  for (const auto &[field, text] : texts) {
    // A run of braces around a name: "{first_name}", "{{ first_name }}",
    // "{firstname}". Braces around other things ("{:)}") are left alone.
    for (size_t open = text.find('{'); open != std::string::npos;
         open = text.find('{', open + 1)) {
      size_t start = open;
      while (start < text.size() && text[start] == '{') ++start;
      size_t end = start;
      while (end < text.size() && IsWordByte(text[end])) ++end;
      const bool named = std::any_of(
          text.begin() + start, text.begin() + end,
          [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
      if (!named || end >= text.size() || text[end] != '}') continue;
      size_t close = end;
      while (close < text.size() && text[close] == '}') ++close;
      const std::string found = text.substr(open, close - open);
      if (found == valid && field == "content.greeting") {
        open = close - 1;
        continue;
      }
      if (found == valid) {
        return Status::InvalidArgument(
            field + " holds " + found +
            ", which is replaced in the greeting only: elsewhere customers would "
            "read it as written");
      }
      return Status::InvalidArgument(field + " holds " + found +
                                     ", which is not a placeholder: the only one is " +
                                     std::string(valid) + ", in the greeting");
    }
  }
  return Status::Ok();
}

const std::string &FollowupFor(const SurveyPageContent &page, int score) {
  if (score <= 6) return page.followup_detractor;
  if (score <= 8) return page.followup_passive;
  return page.followup_promoter;
}

}  // namespace callexa
