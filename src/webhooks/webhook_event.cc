#include "webhooks/webhook_event.h"

#include <cctype>

#include "common/time_format.h"
#include "common/utf8.h"

namespace callexa {
namespace {

using nlohmann::json;

// Slack refuses a section's text over 3000 characters and a field over
// 2000 (counted as sent, entities included); texts are cut below.
constexpr size_t kMaxSlackComment = 2900;
constexpr size_t kMaxSlackField = 1900;
constexpr size_t kMaxSlackName = 200;
constexpr size_t kMaxSlackValue = 300;
constexpr size_t kMaxSlackNotification = 150;

// A zero-width space: a formatting character with one on each side sits
// inside a "word", where mrkdwn never starts or ends bold, italics,
// strikethrough or code, and the reader sees the character as typed.
constexpr char kZeroWidthSpace[] = "\xE2\x80\x8B";
constexpr char kEllipsis[] = "\xE2\x80\xA6";

std::string Dump(const json &j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

size_t CodePoints(const std::string &s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string ValueText(const json &v) {
  return v.is_string() ? v.get<std::string>() : Dump(v);
}

// SlackEscape, stopping with "…" before the output would exceed
// `max_points` code points (Slack counts its limits on the text as sent,
// entities included), never inside an entity.
std::string EscapeBounded(std::string_view text, size_t max_points) {
  const std::string valid = ToValidUtf8(text);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  size_t points = 0;
  bool line_start = true;
  for (size_t i = 0; i < valid.size();) {
    uint32_t cp = 0;
    const size_t n = std::max<size_t>(Utf8Sequence(valid, i, &cp), 1);
    std::string piece;
    size_t piece_points = 1;
    switch (valid[i]) {
      case '&':
        piece = "&amp;", piece_points = 5;
        break;
      case '<':
        piece = "&lt;", piece_points = 4;
        break;
      case '>':
        // A ">" opening a line quotes it, escaped or not.
        piece = line_start ? std::string(kZeroWidthSpace) + "&gt;" : "&gt;";
        piece_points = line_start ? 5 : 4;
        break;
      case '*':
      case '_':
      case '~':
      case '`':
        piece = std::string(kZeroWidthSpace) + valid[i] + kZeroWidthSpace;
        piece_points = 3;
        break;
      default:
        piece = valid.substr(i, n);
    }
    // Room is kept for the "…" unless this is the last piece.
    const size_t needed = points + piece_points + (i + n < valid.size() ? 1 : 0);
    if (max_points != std::string::npos && needed > max_points) return out + kEllipsis;
    out += piece;
    points += piece_points;
    line_start = valid[i] == '\n';
    i += n;
  }
  return out;
}

std::string Headline(std::string_view type, const WebhookAnswerFacts &f) {
  std::string band = f.band.empty() ? "Answer" : f.band;
  band[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(band[0])));
  std::string line = band + " " + std::to_string(f.score) + "/10";
  if (!f.survey_name.empty()) {
    line += " on " + EscapeBounded(f.survey_name, kMaxSlackName);
  }
  if (type == kWebhookResponseUpdated) line += " (updated)";
  if (type == kWebhookTest) line = "Test event: " + line;
  return line;
}

std::string CustomerText(const WebhookAnswerFacts &f) {
  std::string name = f.first_name;
  if (!f.last_name.empty()) name += (name.empty() ? "" : " ") + f.last_name;
  std::string out = EscapeBounded(SanitizeMultilineText(name), kMaxSlackName);
  if (!f.email.empty()) {
    out += (out.empty() ? "" : "\n") + EscapeBounded(f.email, kMaxSlackValue);
  }
  if (!f.user_id.empty()) {
    out += (out.empty() ? "" : "\n") + std::string("ID ") +
           EscapeBounded(f.user_id, kMaxSlackName);
  }
  return out.empty() ? "anonymous" : out;
}

// "name: value" lines of a JSON object of ratings or answers, as many as
// fit in a field.
std::string PairsText(const json &object) {
  std::string out;
  if (!object.is_object()) return out;
  for (const auto &[key, value] : object.items()) {
    const std::string line = EscapeBounded(key, kMaxSlackName) + ": " +
                             EscapeBounded(ValueText(value), kMaxSlackValue);
    if (CodePoints(out) + CodePoints(line) + 2 > kMaxSlackField) {
      return out + "\n" + kEllipsis;
    }
    out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

json Mrkdwn(const std::string &text) { return {{"type", "mrkdwn"}, {"text", text}}; }

json Field(const std::string &title, const std::string &value) {
  return Mrkdwn("*" + title + "*\n" + value);
}

}  // namespace

std::string StandardEventBody(std::string_view type, int64_t now,
                              const WebhookAnswerFacts &f) {
  json data = {
      {"survey_id", f.survey_id},
      {"invitation_id", f.invitation_id},
      {"score", f.score},
      {"band", f.band},
      {"comment", f.comment},
      {"tag_ratings", f.tag_ratings.is_object() ? f.tag_ratings : json::object()},
      {"extra_answers", f.extra_answers.is_object() ? f.extra_answers : json::object()},
      {"email", f.email},
      {"first_name", f.first_name},
      {"last_name", f.last_name},
      {"user_id", f.user_id},
      {"answered_at", FormatIso8601(f.answered_at)},
      {"admin_url", f.admin_url},
  };
  json body = {{"type", std::string(type)},
               {"timestamp", FormatIso8601(now)},
               {"data", std::move(data)}};
  return Dump(body);
}

std::string SlackEscape(std::string_view text) {
  return EscapeBounded(text, std::string::npos);
}

std::string SlackEventBody(std::string_view type, const WebhookAnswerFacts &f) {
  const std::string headline = Headline(type, f);
  const std::string comment = SanitizeMultilineText(f.comment);
  std::string text = headline;
  if (!comment.empty()) {
    text += ": " + EscapeBounded(comment, kMaxSlackNotification);
  }

  json blocks = json::array();
  blocks.push_back({{"type", "section"}, {"text", Mrkdwn("*" + headline + "*")}});
  blocks.push_back(
      {{"type", "section"},
       {"text", Mrkdwn(comment.empty() ? "_No comment_"
                                       : EscapeBounded(comment, kMaxSlackComment))}});
  json fields = json::array({Field("Customer", CustomerText(f)),
                             Field("Answered", FormatIso8601(f.answered_at))});
  const std::string ratings = PairsText(f.tag_ratings);
  if (!ratings.empty()) fields.push_back(Field("Ratings", ratings));
  const std::string answers = PairsText(f.extra_answers);
  if (!answers.empty()) fields.push_back(Field("Answers", answers));
  blocks.push_back({{"type", "section"}, {"fields", std::move(fields)}});
  if (!f.admin_url.empty()) {
    // The link's address is ours, not the customer's: only "&", "<" and ">"
    // need escaping, and "|" would end it.
    std::string url;
    for (char c : ToValidUtf8(f.admin_url)) {
      if (c == '&') {
        url += "&amp;";
      } else if (c == '<' || c == '>' || c == '|') {
        url += "%" + std::string(c == '<' ? "3C" : c == '>' ? "3E" : "7C");
      } else {
        url += c;
      }
    }
    blocks.push_back(
        {{"type", "context"},
         {"elements", json::array({Mrkdwn("<" + url + "|Open the answer>")})}});
  }
  return Dump({{"text", text}, {"blocks", std::move(blocks)}});
}

}  // namespace callexa
