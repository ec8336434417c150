#include "richtext/rich_text.h"

#include <utility>

#include "common/html_escape.h"
#include "common/utf8.h"
#include "common/web_url.h"

namespace callexa {
namespace {

using nlohmann::json;

// A mailto: link with one plain address and no header fields: printable
// ASCII without space, quotes, angle brackets or backslash.
bool IsMailtoLink(std::string_view href) {
  constexpr std::string_view kScheme = "mailto:";
  if (href.size() <= kScheme.size() || href.size() > kMaxUrlLength) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = href[i];
    if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != kScheme[i]) return false;
  }
  const std::string_view address = href.substr(kScheme.size());
  if (address.find('@') == std::string_view::npos) return false;
  for (char c : address) {
    if (c <= ' ' || c >= 127 || c == '"' || c == '\'' || c == '<' || c == '>' ||
        c == '\\' || c == '`' || c == '?' || c == '&') {
      return false;
    }
  }
  return true;
}

bool IsAllowedLink(std::string_view href) {
  return IsMailtoLink(href) || CheckWebUrl(href, /*require_https=*/false, "link").ok();
}

bool HasControlCharacter(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  // C1 controls and the Unicode line/paragraph separators, as UTF-8.
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if (b0 == 0xc2 && b1 >= 0x80 && b1 <= 0x9f) return true;
    if (b0 == 0xe2 && b1 == 0x80 && i + 2 < text.size()) {
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      if (b2 == 0xa8 || b2 == 0xa9) return true;
    }
  }
  return false;
}

bool SameMarks(const RichInline &a, const RichInline &b) {
  return a.bold == b.bold && a.italic == b.italic && a.href == b.href;
}

// Appends `run` to `p`, merging it into the previous run when they look
// the same, and dropping empty runs.
void AppendRun(RichInline run, RichParagraph *p) {
  if (!run.is_break && run.text.empty()) return;
  if (!run.is_break && !p->inlines.empty() && !p->inlines.back().is_break &&
      SameMarks(p->inlines.back(), run)) {
    p->inlines.back().text += run.text;
    return;
  }
  p->inlines.push_back(std::move(run));
}

// Canonical form of a paragraph: no break at its edges. False when
// nothing is left.
bool Trim(RichParagraph *p) {
  while (!p->inlines.empty() && p->inlines.back().is_break) p->inlines.pop_back();
  size_t first = 0;
  while (first < p->inlines.size() && p->inlines[first].is_break) ++first;
  p->inlines.erase(p->inlines.begin(),
                   p->inlines.begin() + static_cast<ptrdiff_t>(first));
  return !p->inlines.empty();
}

// The members of `node` must all be in `allowed`.
Status OnlyMembers(const json &node, const std::string &path,
                   std::initializer_list<std::string_view> allowed) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) known = known || it.key() == a;
    if (!known) return Status::InvalidArgument(path + "." + it.key() + " is not allowed");
  }
  return Status::Ok();
}

Status NodeType(const json &node, const std::string &path, std::string *type) {
  if (!node.is_object()) return Status::InvalidArgument(path + " must be an object");
  const auto it = node.find("type");
  if (it == node.end() || !it->is_string()) {
    return Status::InvalidArgument(path + ".type must be a string");
  }
  *type = it->get<std::string>();
  return Status::Ok();
}

Status ReadLink(const json &mark, const std::string &path, std::string *href) {
  Status s = OnlyMembers(mark, path, {"type", "attrs"});
  if (!s.ok()) return s;
  const auto attrs = mark.find("attrs");
  if (attrs == mark.end() || !attrs->is_object()) {
    return Status::InvalidArgument(path + ".attrs must be an object with an href");
  }
  s = OnlyMembers(*attrs, path + ".attrs", {"href", "target", "rel", "class"});
  if (!s.ok()) return s;
  for (const char *dropped : {"target", "rel", "class"}) {
    const auto it = attrs->find(dropped);
    if (it != attrs->end() && !it->is_string() && !it->is_null()) {
      return Status::InvalidArgument(path + ".attrs." + dropped + " must be a string");
    }
  }
  const auto h = attrs->find("href");
  if (h == attrs->end() || !h->is_string() || !IsAllowedLink(h->get<std::string>())) {
    return Status::InvalidArgument(path +
                                   ".attrs.href must be an http(s) or mailto link");
  }
  *href = h->get<std::string>();
  return Status::Ok();
}

Status ReadMarks(const json &marks, const std::string &path, RichInline *run) {
  if (!marks.is_array()) return Status::InvalidArgument(path + " must be an array");
  for (size_t i = 0; i < marks.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    std::string type;
    Status s = NodeType(marks[i], at, &type);
    if (!s.ok()) return s;
    if (type == "bold" || type == "italic") {
      s = OnlyMembers(marks[i], at, {"type"});
      (type == "bold" ? run->bold : run->italic) = true;
    } else if (type == "link") {
      s = ReadLink(marks[i], at, &run->href);
    } else {
      s = Status::InvalidArgument(at + ".type \"" + type +
                                  "\" is not allowed: bold, italic or link");
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// One inline node into `p`; `text_bytes` and `inlines` count the totals.
Status ReadInline(const json &node, const std::string &path, size_t *text_bytes,
                  RichParagraph *p) {
  std::string type;
  Status s = NodeType(node, path, &type);
  if (!s.ok()) return s;
  RichInline run;
  if (type == "hardBreak") {
    s = OnlyMembers(node, path, {"type", "marks"});
    run.is_break = true;
  } else if (type == "text") {
    s = OnlyMembers(node, path, {"type", "text", "marks"});
    const auto text = node.find("text");
    if (s.ok() && (text == node.end() || !text->is_string())) {
      s = Status::InvalidArgument(path + ".text must be a string");
    }
    if (s.ok()) {
      run.text = text->get<std::string>();
      if (!IsValidUtf8(run.text)) {
        s = Status::InvalidArgument(path + ".text is not valid UTF-8");
      } else if (HasControlCharacter(run.text)) {
        s = Status::InvalidArgument(path +
                                    ".text must not hold control characters (a line "
                                    "break is a hardBreak node)");
      }
      *text_bytes += run.text.size();
    }
    const auto marks = node.find("marks");
    if (s.ok() && marks != node.end()) s = ReadMarks(*marks, path + ".marks", &run);
  } else {
    s = Status::InvalidArgument(path + ".type \"" + type +
                                "\" is not allowed: text or hardBreak");
  }
  if (!s.ok()) return s;
  AppendRun(std::move(run), p);
  return Status::Ok();
}

Result<RichText> ReadDocument(const json &doc, const std::string &field,
                              size_t max_text_bytes) {
  std::string type;
  Status s = NodeType(doc, field, &type);
  if (!s.ok()) return s;
  if (type != "doc") {
    return Status::InvalidArgument(field + ".type must be \"doc\" (or send a string)");
  }
  s = OnlyMembers(doc, field, {"type", "content"});
  if (!s.ok()) return s;
  RichText out;
  const auto content = doc.find("content");
  if (content == doc.end()) return out;
  if (!content->is_array())
    return Status::InvalidArgument(field + ".content must be an array");
  if (content->size() > kMaxRichParagraphs) {
    return Status::InvalidArgument(field + " may have at most " +
                                   std::to_string(kMaxRichParagraphs) + " paragraphs");
  }
  size_t text_bytes = 0;
  size_t inlines = 0;
  for (size_t i = 0; i < content->size(); ++i) {
    const std::string at = field + ".content[" + std::to_string(i) + "]";
    const json &node = (*content)[i];
    s = NodeType(node, at, &type);
    if (!s.ok()) return s;
    if (type != "paragraph") {
      return Status::InvalidArgument(at + ".type \"" + type +
                                     "\" is not allowed: only paragraphs");
    }
    s = OnlyMembers(node, at, {"type", "content"});
    if (!s.ok()) return s;
    RichParagraph p;
    const auto children = node.find("content");
    if (children != node.end()) {
      if (!children->is_array())
        return Status::InvalidArgument(at + ".content must be an array");
      inlines += children->size();
      if (inlines > kMaxRichInlines) {
        return Status::InvalidArgument(field + " may have at most " +
                                       std::to_string(kMaxRichInlines) + " text runs");
      }
      for (size_t j = 0; j < children->size(); ++j) {
        s = ReadInline((*children)[j], at + ".content[" + std::to_string(j) + "]",
                       &text_bytes, &p);
        if (!s.ok()) return s;
      }
    }
    if (text_bytes > max_text_bytes) {
      return Status::InvalidArgument(field + " must be at most " +
                                     std::to_string(max_text_bytes) + " bytes of text");
    }
    if (Trim(&p)) out.paragraphs.push_back(std::move(p));
  }
  return out;
}

json InlineToJson(const RichInline &run) {
  if (run.is_break) return {{"type", "hardBreak"}};
  json node = {{"type", "text"}, {"text", run.text}};
  json marks = json::array();
  if (run.bold) marks.push_back({{"type", "bold"}});
  if (run.italic) marks.push_back({{"type", "italic"}});
  if (!run.href.empty())
    marks.push_back({{"type", "link"}, {"attrs", {{"href", run.href}}}});
  if (!marks.empty()) node["marks"] = std::move(marks);
  return node;
}

std::string InlineHtml(const RichInline &run, const RichHtmlStyle &style) {
  if (run.is_break) return "<br>\n";
  std::string html = HtmlEscape(run.text);
  if (run.italic) html = "<em>" + html + "</em>";
  if (run.bold) html = "<strong>" + html + "</strong>";
  if (!run.href.empty()) {
    html = "<a href=\"" + HtmlEscape(run.href) + "\" target=\"_blank\"" +
           (style.link.empty() ? "" : " style=\"" + HtmlEscape(style.link) + "\"") + ">" +
           html + "</a>";
  }
  return html;
}

}  // namespace

RichText::RichText(std::string_view plain) {
  const std::string text = SanitizeMultilineText(plain);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    RichParagraph p;
    size_t line = start;
    while (line <= end) {
      size_t line_end = text.find('\n', line);
      if (line_end == std::string::npos || line_end > end) line_end = end;
      if (line > start) AppendRun(RichInline{true, "", false, false, ""}, &p);
      std::string run = text.substr(line, line_end - line);
      for (char &c : run) {
        if (c == '\t') c = ' ';
      }
      AppendRun(RichInline{false, std::move(run), false, false, ""}, &p);
      line = line_end + 1;
    }
    if (Trim(&p)) paragraphs.push_back(std::move(p));
    start = end + 2;
  }
}

bool operator==(const RichInline &a, const RichInline &b) {
  return a.is_break == b.is_break && a.text == b.text && SameMarks(a, b);
}

bool operator==(const RichText &a, const RichText &b) {
  if (a.paragraphs.size() != b.paragraphs.size()) return false;
  for (size_t i = 0; i < a.paragraphs.size(); ++i) {
    if (!(a.paragraphs[i].inlines == b.paragraphs[i].inlines)) return false;
  }
  return true;
}

Result<RichText> ReadRichText(const json &value, const std::string &field,
                              size_t max_text_bytes) {
  if (value.is_null()) return RichText();
  if (value.is_string()) {
    const std::string &raw = value.get_ref<const std::string &>();
    RichText text(raw);
    size_t bytes = 0;
    for (const RichParagraph &p : text.paragraphs) {
      for (const RichInline &r : p.inlines) bytes += r.text.size();
    }
    if (bytes > max_text_bytes) {
      return Status::InvalidArgument(field + " must be at most " +
                                     std::to_string(max_text_bytes) + " bytes of text");
    }
    if (text.paragraphs.size() > kMaxRichParagraphs) {
      return Status::InvalidArgument(field + " may have at most " +
                                     std::to_string(kMaxRichParagraphs) + " paragraphs");
    }
    return text;
  }
  if (!value.is_object()) {
    return Status::InvalidArgument(field + " must be a string or a rich-text document");
  }
  return ReadDocument(value, field, max_text_bytes);
}

json RichTextToJson(const RichText &text) {
  json content = json::array();
  for (const RichParagraph &p : text.paragraphs) {
    json inlines = json::array();
    for (const RichInline &run : p.inlines) inlines.push_back(InlineToJson(run));
    content.push_back({{"type", "paragraph"}, {"content", std::move(inlines)}});
  }
  return {{"type", "doc"}, {"content", std::move(content)}};
}

std::string RichTextToHtml(const RichText &text, const RichHtmlStyle &style) {
  const std::string open = style.paragraph.empty()
                               ? "<p>"
                               : "<p style=\"" + HtmlEscape(style.paragraph) + "\">";
  std::string out;
  for (const RichParagraph &p : text.paragraphs) {
    out += open;
    for (const RichInline &run : p.inlines) out += InlineHtml(run, style);
    out += "</p>\n";
  }
  return out;
}

std::string RichTextToPlainText(const RichText &text) {
  std::string out;
  for (const RichParagraph &p : text.paragraphs) {
    if (!out.empty()) out += "\n\n";
    for (const RichInline &run : p.inlines) {
      if (run.is_break) {
        out += '\n';
        continue;
      }
      out += run.text;
      const bool shows_target = run.href == run.text || run.href == "mailto:" + run.text;
      if (!run.href.empty() && !shows_target) out += " (" + run.href + ")";
    }
  }
  return out;
}

}  // namespace callexa
