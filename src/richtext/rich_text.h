// Rich text for the survey's intro, footer and thank-you texts: paragraphs
// of text runs that may be bold, italic or a link, and line breaks; nothing
// else. The admin's editor (Tiptap) sends a ProseMirror document; it is
// validated here into this type, and only the renderers below turn it into
// HTML (every text and URL escaped) or plain text, so no editor input can
// become markup of its own.
//
// The accepted JSON, a subset of ProseMirror's:
//
//   {"type": "doc", "content": [
//     {"type": "paragraph", "content": [
//       {"type": "text", "text": "Hi ", "marks": [{"type": "bold"}]},
//       {"type": "text", "text": "us", "marks": [
//         {"type": "link", "attrs": {"href": "https://example.com"}}]},
//       {"type": "hardBreak"}]}]}
//
// or a plain string (a blank line starts a paragraph, "\n" breaks a line).
#ifndef CALLEXA_RICHTEXT_RICH_TEXT_H_
#define CALLEXA_RICHTEXT_RICH_TEXT_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace callexa {

// One run of text with its marks, or a line break.
struct RichInline {
  bool is_break = false;
  std::string text;  // valid UTF-8, no control characters; empty for a break
  bool bold = false;
  bool italic = false;
  std::string href;  // non-empty: the run is a link (http, https or mailto)
};

struct RichParagraph {
  std::vector<RichInline> inlines;
};

// Canonical: no empty paragraphs, no empty runs, adjacent runs with the
// same marks merged, no break at a paragraph's start or end.
struct RichText {
  std::vector<RichParagraph> paragraphs;

  RichText() = default;
  // Plain text as a document (see the file comment); implicit, so that
  // built-in defaults and tests may be written as strings.
  RichText(std::string_view plain);  // NOLINT(google-explicit-constructor)
  RichText(const char *plain) : RichText(std::string_view(plain)) {}
  RichText(const std::string &plain) : RichText(std::string_view(plain)) {}

  bool empty() const { return paragraphs.empty(); }
};

bool operator==(const RichInline &a, const RichInline &b);
bool operator==(const RichText &a, const RichText &b);
inline bool operator!=(const RichText &a, const RichText &b) { return !(a == b); }

// Limits beyond the caller's byte limit on the text.
constexpr size_t kMaxRichParagraphs = 100;
constexpr size_t kMaxRichInlines = 2000;

// Validates `value` (null: empty; a string; or a document as above) into
// canonical form. InvalidArgument naming the JSON path under `field`
// ("content.intro.content[0].content[2].marks[0].attrs.href must be an
// http(s) or mailto link") for any other node, mark, attribute or member,
// a wrong type, ill-formed UTF-8, a control character in a text, more text
// than `max_text_bytes` or more than the limits above. Tiptap's link
// attributes target, rel and class are accepted and dropped.
Result<RichText> ReadRichText(const nlohmann::json &value, const std::string &field,
                              size_t max_text_bytes);

// The canonical document: ReadRichText(RichTextToJson(t), ...) == t.
nlohmann::json RichTextToJson(const RichText &text);

// Inline styles for email clients, which ignore style sheets; empty: none.
struct RichHtmlStyle {
  std::string paragraph;  // on each <p>
  std::string link;       // on each <a>
};

// One <p> per paragraph, <strong>, <em>, <a href> (opening a new window)
// and <br>; every text and URL HTML-escaped.
std::string RichTextToHtml(const RichText &text, const RichHtmlStyle &style);

// Plain text: paragraphs separated by a blank line, breaks as "\n", a link
// as "text (url)" unless the text is the URL or the mailto address.
std::string RichTextToPlainText(const RichText &text);

}  // namespace callexa

#endif  // CALLEXA_RICHTEXT_RICH_TEXT_H_
