#include "richtext/rich_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace callexa {
namespace {

using nlohmann::json;

Result<RichText> Read(const std::string &doc, size_t max = 2000) {
  return ReadRichText(json::parse(doc), "content.intro", max);
}

RichText Ok(const std::string &doc) {
  auto r = Read(doc);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RichText();
}

std::string Error(const json &doc, size_t max = 2000) {
  auto r = ReadRichText(doc, "content.intro", max);
  EXPECT_FALSE(r.ok()) << doc.dump();
  return r.ok() ? "" : r.status().message();
}

std::string Html(const RichText &t) { return RichTextToHtml(t, {}); }

const char kEveryNode[] = R"({"type":"doc","content":[
  {"type":"paragraph","content":[
    {"type":"text","text":"Plain "},
    {"type":"text","text":"bold","marks":[{"type":"bold"}]},
    {"type":"text","text":" and "},
    {"type":"text","text":"italic","marks":[{"type":"italic"}]},
    {"type":"hardBreak"},
    {"type":"text","text":"both","marks":[{"type":"italic"},{"type":"bold"}]}]},
  {"type":"paragraph","content":[
    {"type":"text","text":"Write ","marks":[]},
    {"type":"text","text":"us","marks":[{"type":"link","attrs":
      {"href":"mailto:help@example.com","target":"_blank","rel":"noopener","class":null}}]},
    {"type":"text","text":" or see "},
    {"type":"text","text":"the FAQ","marks":[{"type":"bold"},{"type":"link","attrs":
      {"href":"https://example.com/faq?a=1&b=2"}}]}]}]})";

TEST(RichTextTest, EveryNodeAndMarkRendersAsHtml) {
  const RichText t = Ok(kEveryNode);
  EXPECT_EQ(
      Html(t),
      "<p>Plain <strong>bold</strong> and <em>italic</em><br>\n"
      "<strong><em>both</em></strong></p>\n"
      "<p>Write <a href=\"mailto:help@example.com\" target=\"_blank\">us</a> or see "
      "<a href=\"https://example.com/faq?a=1&amp;b=2\" target=\"_blank\">"
      "<strong>the FAQ</strong></a></p>\n");
}

TEST(RichTextTest, EmailStylesGoOnEveryParagraphAndLink) {
  const RichText t = Ok(kEveryNode);
  const std::string html = RichTextToHtml(t, {"margin:0;", "color:#123456;"});
  EXPECT_EQ(html.find("<p>"), std::string::npos);
  EXPECT_NE(html.find("<p style=\"margin:0;\">Plain"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"mailto:help@example.com\" target=\"_blank\" "
                      "style=\"color:#123456;\">us</a>"),
            std::string::npos);
}

TEST(RichTextTest, PlainTextShowsLinkTargets) {
  EXPECT_EQ(RichTextToPlainText(Ok(kEveryNode)),
            "Plain bold and italic\nboth\n\n"
            "Write us (mailto:help@example.com) or see the FAQ "
            "(https://example.com/faq?a=1&b=2)");
  const RichText bare = Ok(R"({"type":"doc","content":[{"type":"paragraph","content":[
    {"type":"text","text":"https://x.example","marks":[{"type":"link","attrs":{"href":"https://x.example"}}]},
    {"type":"text","text":" "},
    {"type":"text","text":"a@x.example","marks":[{"type":"link","attrs":{"href":"mailto:a@x.example"}}]}]}]})");
  EXPECT_EQ(RichTextToPlainText(bare), "https://x.example a@x.example");
}

TEST(RichTextTest, CanonicalFormMergesRunsAndDropsEmptiness) {
  const RichText t = Ok(R"({"type":"doc","content":[
    {"type":"paragraph"},
    {"type":"paragraph","content":[{"type":"hardBreak"},{"type":"text","text":"a"},
      {"type":"text","text":"b"},{"type":"text","text":"","marks":[{"type":"bold"}]},
      {"type":"text","text":"c","marks":[{"type":"bold"},{"type":"bold"}]},
      {"type":"text","text":"d","marks":[{"type":"bold"}]},{"type":"hardBreak"}]},
    {"type":"paragraph","content":[]}]})");
  ASSERT_EQ(t.paragraphs.size(), 1u);
  ASSERT_EQ(t.paragraphs[0].inlines.size(), 2u);
  EXPECT_EQ(t.paragraphs[0].inlines[0].text, "ab");
  EXPECT_EQ(t.paragraphs[0].inlines[1].text, "cd");
  EXPECT_TRUE(t.paragraphs[0].inlines[1].bold);
  EXPECT_EQ(RichTextToJson(t),
            json::parse(R"({"type":"doc","content":[{"type":"paragraph","content":[
              {"type":"text","text":"ab"},
              {"type":"text","text":"cd","marks":[{"type":"bold"}]}]}]})"));
  // The canonical document reads back the same.
  EXPECT_EQ(*ReadRichText(RichTextToJson(Ok(kEveryNode)), "x", 2000), Ok(kEveryNode));
  // Tiptap's empty editor is an empty text: the default applies.
  EXPECT_TRUE(Ok(R"({"type":"doc","content":[{"type":"paragraph"}]})").empty());
  EXPECT_TRUE(ReadRichText(nullptr, "x", 10)->empty());
}

TEST(RichTextTest, PlainStringsBecomeParagraphsAndBreaks) {
  const RichText t = *ReadRichText("One\r\nline two\n\n\nSecond\tpara\x01", "x", 2000);
  EXPECT_EQ(Html(t), "<p>One<br>\nline two</p>\n<p>Second para</p>\n");
  EXPECT_EQ(RichTextToPlainText(t), "One\nline two\n\nSecond para");
  EXPECT_EQ(RichText("A"), Ok(R"({"type":"doc","content":[{"type":"paragraph",
    "content":[{"type":"text","text":"A"}]}]})"));
  EXPECT_TRUE(RichText("").empty());
  EXPECT_TRUE(RichText("\n\n \n").paragraphs.size() == 1);  // a space is text
}

// Found by fuzz_rich_text: a plain string with a C1 control (U+0080) was
// kept, and its canonical form then failed validation.
TEST(RichTextTest, PlainStringsLoseUnicodeControls) {
  const RichText t = *ReadRichText("a\u0080b\u009fc\u2028d\u2029e", "x", 2000);
  EXPECT_EQ(RichTextToPlainText(t), "abc\nd\ne");
  const auto again = ReadRichText(RichTextToJson(t), "x", 2000);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, t);
}

TEST(RichTextTest, MarkupInTextIsText) {
  const RichText t = Ok(R"({"type":"doc","content":[{"type":"paragraph","content":[
    {"type":"text","text":"<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"}]}]})");
  EXPECT_EQ(Html(t),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
            "&quot;&#39;&amp;</p>\n");
  // A quote cannot end the href early: such a URL is refused.
  EXPECT_FALSE(Read(R"({"type":"doc","content":[{"type":"paragraph","content":[
    {"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"https://a.example/?q=\"><script>"}}]}]}]})")
                   .ok());
}

TEST(RichTextTest, HostileLinksAreRefused) {
  for (const char *href :
       {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
        "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox", "/relative", "//evil.example", "https://user@evil.example",
        "https://a.example/\"onmouseover=\"x", "mailto:", "mailto:a@b?cc=c@d",
        "mailto:<a@b>", "https://", "&#106;avascript:alert(1)", "ftp://x.example"}) {
    const json doc = {
        {"type", "doc"},
        {"content",
         {{{"type", "paragraph"},
           {"content",
            {{{"type", "text"},
              {"text", "x"},
              {"marks", {{{"type", "link"}, {"attrs", {{"href", href}}}}}}}}}}}}};
    EXPECT_EQ(
        Error(doc),
        "content.intro.content[0].content[0].marks[0].attrs.href must be an http(s) or "
        "mailto link")
        << href;
  }
}

TEST(RichTextTest, AnythingElseIsRefusedNamingThePath) {
  const struct {
    const char *doc;
    const char *message;
  } cases[] = {
      {R"(42)", "content.intro must be a string or a rich-text document"},
      {R"([])", "content.intro must be a string or a rich-text document"},
      {R"({"type":"paragraph"})",
       "content.intro.type must be \"doc\" (or send a string)"},
      {R"({"content":[]})", "content.intro.type must be a string"},
      {R"({"type":"doc","attrs":{}})", "content.intro.attrs is not allowed"},
      {R"({"type":"doc","content":{}})", "content.intro.content must be an array"},
      {R"({"type":"doc","content":[{"type":"heading","content":[]}]})",
       "content.intro.content[0].type \"heading\" is not allowed: only paragraphs"},
      {R"({"type":"doc","content":["text"]})",
       "content.intro.content[0] must be an object"},
      {R"({"type":"doc","content":[{"type":"paragraph","attrs":{"textAlign":"left"}}]})",
       "content.intro.content[0].attrs is not allowed"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"image","attrs":{"src":"x"}}]}]})",
       "content.intro.content[0].content[0].type \"image\" is not allowed: text or "
       "hardBreak"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text"}]}]})",
       "content.intro.content[0].content[0].text must be a string"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","onclick":"x"}]}]})",
       "content.intro.content[0].content[0].onclick is not allowed"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a\nb"}]}]})",
       "content.intro.content[0].content[0].text must not hold control characters (a "
       "line "
       "break is a hardBreak node)"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"code"}]}]}]})",
       "content.intro.content[0].content[0].marks[0].type \"code\" is not allowed: bold, "
       "italic or link"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":{"type":"bold"}}]}]})",
       "content.intro.content[0].content[0].marks must be an array"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"bold","attrs":{}}]}]}]})",
       "content.intro.content[0].content[0].marks[0].attrs is not allowed"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"link","attrs":{"href":"https://a.example","style":"x"}}]}]}]})",
       "content.intro.content[0].content[0].marks[0].attrs.style is not allowed"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"link","attrs":{"href":"https://a.example","target":5}}]}]}]})",
       "content.intro.content[0].content[0].marks[0].attrs.target must be a string"},
      {R"({"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"link"}]}]}]})",
       "content.intro.content[0].content[0].marks[0].attrs must be an object with an "
       "href"},
  };
  for (const auto &c : cases) EXPECT_EQ(Error(json::parse(c.doc)), c.message) << c.doc;
  EXPECT_EQ(Error(json::parse(R"({"type":"doc","content":[{"type":"paragraph","content":[
    {"type":"text","text":"\u2028"}]}]})"))
                .substr(0, 41),
            "content.intro.content[0].content[0].text ");
  // Ill-formed UTF-8 never reaches an email.
  json bad = {{"type", "doc"},
              {"content",
               {{{"type", "paragraph"},
                 {"content", {{{"type", "text"}, {"text", std::string("a\xff", 2)}}}}}}}};
  EXPECT_EQ(Error(bad), "content.intro.content[0].content[0].text is not valid UTF-8");
}

TEST(RichTextTest, SizeAndNestingAreBounded) {
  EXPECT_EQ(Error(json(std::string(2001, 'x'))),
            "content.intro must be at most 2000 bytes of text");
  json para = {{"type", "paragraph"},
               {"content", {{{"type", "text"}, {"text", std::string(1500, 'x')}}}}};
  EXPECT_EQ(Error(json{{"type", "doc"}, {"content", {para, para}}}),
            "content.intro must be at most 2000 bytes of text");
  json many = {{"type", "doc"}, {"content", json::array()}};
  for (int i = 0; i < 101; ++i) many["content"].push_back({{"type", "paragraph"}});
  EXPECT_EQ(Error(many), "content.intro may have at most 100 paragraphs");
  json runs = json::array();
  for (int i = 0; i < 2001; ++i) runs.push_back({{"type", "hardBreak"}});
  EXPECT_EQ(Error(json{{"type", "doc"},
                       {"content", {{{"type", "paragraph"}, {"content", runs}}}}}),
            "content.intro may have at most 2000 text runs");
  // Deep nesting is not part of the grammar: refused at the first level.
  // Built as text: a nested json value would be copied recursively here.
  std::string deep = R"({"type":"doc","content":[)";
  for (int i = 0; i < 10000; ++i) deep += R"({"type":"paragraph","content":[)";
  deep += R"({"type":"text","text":"x"})";
  for (int i = 0; i < 10000; ++i) deep += "]}";
  deep += "]}";
  EXPECT_EQ(
      Error(json::parse(deep)),
      "content.intro.content[0].content[0].type \"paragraph\" is not allowed: text or "
      "hardBreak");
  // A 10 MB document is refused, quickly.
  json huge = {{"type", "doc"}, {"content", json::array()}};
  huge["content"].push_back(
      {{"type", "paragraph"},
       {"content", {{{"type", "text"}, {"text", std::string(10 << 20, 'x')}}}}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Error(huge), "content.intro must be at most 2000 bytes of text");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace callexa
