#include "mail/survey_body.h"

#include "common/html_escape.h"
#include "mail/html_email_frame.h"

namespace callexa {
namespace {

constexpr size_t kTextWidth = 76;
const char kFont[] = "font-family:Arial,Helvetica,sans-serif;";
const char kMutedColor[] = "#6b7280";
// Links in the intro without a brand colour: blue 700, 6.7:1 on white.
const char kLinkColor[] = "#1d4ed8";

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t Columns(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Word-wraps every line of `text` at kTextWidth columns; a word longer
// than that keeps a line of its own.
void AppendWrapped(std::string_view text, std::string *out) {
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    size_t column = 0;
    size_t pos = 0;
    while (pos <= line.size()) {
      size_t space = line.find(' ', pos);
      if (space == std::string_view::npos) space = line.size();
      const std::string_view word = line.substr(pos, space - pos);
      const size_t width = Columns(word);
      if (column > 0 && column + 1 + width > kTextWidth) {
        out->push_back('\n');
        column = 0;
      } else if (pos > 0) {
        out->push_back(' ');
        ++column;
      }
      out->append(word);
      column += width;
      pos = space + 1;
    }
    out->push_back('\n');
    line_start = line_end + 1;
  }
}

void AppendScoreRow(const SurveyEmailContent &c, const SurveyLinks &links, bool mark,
                    std::string *out) {
  *out +=
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
      "cellspacing=\"4\" border=\"0\" style=\"table-layout:fixed;\">\n<tr>\n";
  for (int score = 0; score < kScoreCount; ++score) {
    const std::string bg = ScoreButtonColor(c, score);
    const std::string fg = TextColorOn(bg);
    *out += "<td width=\"9%\" align=\"center\" bgcolor=\"" + bg +
            "\" style=\"background-color:" + bg + ";border-radius:4px;\">";
    *out += "<a href=\"" + HtmlEscape(links.score_urls[score]) +
            "\" target=\"_blank\" style=\"display:block;padding:10px 0;" + kFont +
            "font-size:16px;line-height:20px;font-weight:bold;color:" + fg +
            ";text-decoration:none;\">" + std::to_string(score) + "</a></td>\n";
  }
  *out += "</tr>\n</table>\n";
  const std::string label_style = std::string("padding:4px 4px 0 4px;") + kFont +
                                  "font-size:13px;line-height:18px;color:" + kMutedColor +
                                  ";";
  *out +=
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
      "cellspacing=\"0\" border=\"0\">\n<tr>\n";
  *out += "<td align=\"left\" style=\"" + label_style + "\"" +
          FieldMark(mark, "low_label") + ">" + HtmlText(c.low_label) + "</td>\n";
  *out += "<td align=\"right\" style=\"" + label_style + "\"" +
          FieldMark(mark, "high_label") + ">" + HtmlText(c.high_label) + "</td>\n";
  *out += "</tr>\n</table>\n";
}

}  // namespace

const char *TextColorOn(std::string_view background) {
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  auto channel = [&](size_t i) {
    return i + 1 < background.size()
               ? nibble(background[i]) * 16 + nibble(background[i + 1])
               : 0;
  };
  const int luma = 299 * channel(1) + 587 * channel(3) + 114 * channel(5);
  return luma > 160 * 1000 ? "#111827" : "#ffffff";
}

std::string ScoreButtonColor(const SurveyEmailContent &content, int score) {
  if (content.score_colors == "brand" && !content.brand_color.empty()) {
    return content.brand_color;
  }
  if (score <= 6) return "#dc2626";
  if (score <= 8) return "#d97706";
  return "#16a34a";
}

std::string RenderSurveyTextBody(const SurveyEmailContent &c, std::string_view greeting,
                                 const SurveyLinks &links) {
  std::string out;
  AppendWrapped(greeting, &out);
  out.push_back('\n');
  AppendWrapped(RichTextToPlainText(c.intro), &out);
  out.push_back('\n');
  AppendWrapped(c.question, &out);
  out.push_back('\n');
  for (int score = 0; score < kScoreCount; ++score) {
    if (score < 10) out.push_back(' ');
    out += std::to_string(score);
    if (score == 0) out += " (" + c.low_label + ")";
    if (score == kScoreCount - 1) out += " (" + c.high_label + ")";
    out += ": " + links.score_urls[score] + "\n";
  }
  out.push_back('\n');
  AppendWrapped(RichTextToPlainText(c.footer), &out);
  out += c.unsubscribe_text + ": " + links.unsubscribe_url + "\n";
  return out;
}

namespace {

// `html` in a <div> carrying the field's mark, when marking.
std::string Marked(bool mark, std::string_view field, const std::string &html) {
  return mark ? "<div" + FieldMark(mark, field) + ">\n" + html + "</div>\n" : html;
}

}  // namespace

std::string FieldMark(bool mark, std::string_view field) {
  return mark ? " data-callexa-field=\"" + std::string(field) + "\"" : std::string();
}

std::string RenderSurveyHtmlBody(const SurveyEmailContent &c, std::string_view greeting,
                                 const SurveyLinks &links, bool mark,
                                 std::string_view intro_field) {
  const std::string text_style =
      std::string(kFont) + "font-size:16px;line-height:24px;color:#1f2937;";
  std::string out;
  out.reserve(12000);
  out += HtmlEmailHead(HtmlEscape(c.language), c.subject);
  // The preheader: shown by inboxes as the preview, hidden in the message.
  out +=
      "<div style=\"display:none;font-size:1px;line-height:1px;max-height:0;"
      "max-width:0;opacity:0;overflow:hidden;mso-hide:all;\">" +
      HtmlText(c.question) + "</div>\n";
  out += HtmlEmailCardStart();
  if (!c.logo_url.empty()) {
    out += "<tr><td align=\"center\" style=\"padding:24px 24px 0 24px;\"><img src=\"" +
           HtmlEscape(c.logo_url) + "\" alt=\"" + HtmlEscape(c.sender_name) +
           "\" width=\"160\" style=\"display:block;width:160px;max-width:100%;"
           "height:auto;border:0;outline:none;text-decoration:none;\"></td></tr>\n";
  }
  out += "<tr><td style=\"padding:24px 24px 8px 24px;" + text_style + "\">\n";
  out += "<p style=\"margin:0 0 16px 0;\"" + FieldMark(mark, "greeting") + ">" +
         HtmlText(greeting) + "</p>\n";
  const std::string link_color = c.brand_color.empty() ? kLinkColor : c.brand_color;
  out += Marked(
      mark, intro_field,
      RichTextToHtml(c.intro, {"margin:0 0 16px 0;",
                               "color:" + link_color + ";text-decoration:underline;"}));
  out += "<p style=\"margin:0;font-size:18px;line-height:26px;font-weight:bold;\"" +
         FieldMark(mark, "question") + ">" + HtmlText(c.question) + "</p>\n</td></tr>\n";
  out += "<tr><td style=\"padding:8px 20px 0 20px;\">\n";
  AppendScoreRow(c, links, mark, &out);
  out += "</td></tr>\n";
  const std::string muted_link =
      std::string("color:") + kMutedColor + ";text-decoration:underline;";
  out += std::string("<tr><td style=\"padding:24px;") + kFont +
         "font-size:12px;line-height:18px;color:" + kMutedColor + ";\">\n" +
         Marked(mark, "footer",
                RichTextToHtml(c.footer, {"margin:0 0 8px 0;", muted_link})) +
         "<a href=\"" + HtmlEscape(links.unsubscribe_url) +
         "\" target=\"_blank\" style=\"color:" + kMutedColor +
         ";text-decoration:underline;\"" + FieldMark(mark, "unsubscribe_text") + ">" +
         HtmlText(c.unsubscribe_text) + "</a>\n</td></tr>\n";
  out += HtmlEmailCardEnd();
  return out;
}

}  // namespace callexa
