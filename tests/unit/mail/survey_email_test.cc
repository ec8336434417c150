#include "mail/survey_email.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "common/html_escape.h"
#include "mail/mime_encoding.h"
#include "mail_message_parser.h"
#include "mail_test_util.h"
#include "richtext/rich_text.h"

namespace callexa {
namespace {

using mailtest::Count;
using mailtest::CountHeaders;
using mailtest::DecodeHeaderValue;
using mailtest::Header;
using mailtest::Headers;
using mailtest::Parse;
using mailtest::ParsedMessage;
using mailtest::Part;
using mailtest::SplitLines;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

SurveyEmailContent Content() {
  SurveyEmailContent c;
  c.language = "en";
  c.sender_name = "Acme Support";
  c.sender_address = "nps@acme.example";
  c.logo_url = "https://acme.example/logo.png";
  return c;
}

SurveyEmailInput Input() {
  SurveyEmailInput in;
  in.recipient.email = "ada@example.com";
  in.recipient.name = "Ada Lovelace";
  in.recipient.first_name = "Ada";
  for (int i = 0; i < kScoreCount; ++i) {
    // The "&" must come out as "&amp;" in the HTML.
    in.links.score_urls[i] =
        "https://nps.acme.example/s/tok-abc?score=" + std::to_string(i) + "&v=1";
  }
  in.links.unsubscribe_url = "https://nps.acme.example/s/tok-abc/unsubscribe";
  in.links.one_click_unsubscribe_url = "https://nps.acme.example/s/tok-abc/one-click";
  in.date_unix_seconds = kNow;
  in.message_id_unique = "5f2b9c0e41d7a3b8";
  in.message_id_domain = "nps.acme.example";
  return in;
}

ParsedMessage RenderAndParse(const SurveyEmailContent &content,
                             const SurveyEmailInput &in) {
  const Result<std::string> message = RenderSurveyEmail(content, in);
  EXPECT_TRUE(message.ok()) << message.status().message();
  if (!message.ok()) return {};
  return Parse(*message);
}

TEST(SurveyEmailTest, ProducesAWellFormedMultipartMessage) {
  const SurveyEmailInput in = Input();
  const ParsedMessage m = RenderAndParse(Content(), in);
  const Headers &h = m.headers;

  for (const char *name : {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                           "Content-Type", "List-Unsubscribe", "List-Unsubscribe-Post"}) {
    EXPECT_EQ(CountHeaders(h, name), 1) << name;
  }
  EXPECT_EQ(h.size(), 9u);
  EXPECT_EQ(Header(h, "Date"), "Sat, 28 Nov 2026 10:00:00 +0000");
  EXPECT_TRUE(std::regex_match(
      Header(h, "Date"),
      std::regex(R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|)"
                 R"(Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000)")));
  EXPECT_EQ(Header(h, "Message-ID"), "<5f2b9c0e41d7a3b8@nps.acme.example>");
  EXPECT_TRUE(std::regex_match(Header(h, "Message-ID"),
                               std::regex(R"(<[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>)")));
  EXPECT_EQ(Header(h, "From"), "\"Acme Support\" <nps@acme.example>");
  EXPECT_EQ(Header(h, "To"), "\"Ada Lovelace\" <ada@example.com>");
  EXPECT_EQ(Header(h, "Subject"), "How likely are you to recommend us?");
  EXPECT_EQ(Header(h, "MIME-Version"), "1.0");
  EXPECT_EQ(Header(h, "List-Unsubscribe"),
            "<https://nps.acme.example/s/tok-abc/one-click>");
  EXPECT_EQ(Header(h, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(m.boundary, MimeBoundaryFor("<5f2b9c0e41d7a3b8@nps.acme.example>"));

  ASSERT_EQ(m.parts.size(), 2u);
  // Plain text first, HTML last (RFC 2046: increasing preference).
  EXPECT_EQ(Header(m.parts[0].headers, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(Header(m.parts[1].headers, "Content-Type"), "text/html; charset=utf-8");
  for (const Part &p : m.parts) {
    EXPECT_EQ(p.headers.size(), 2u);
    EXPECT_EQ(Header(p.headers, "Content-Transfer-Encoding"), "quoted-printable");
  }
  const std::string &text = m.parts[0].body;
  const std::string &html = m.parts[1].body;
  for (int i = 0; i < kScoreCount; ++i) {
    const std::string &url = in.links.score_urls[i];
    const std::string label = i == 0 ? " (Not likely)" : i == 10 ? " (Very likely)" : "";
    EXPECT_NE(text.find(std::to_string(i) + label + ": " + url + "\r\n"),
              std::string::npos)
        << url;
    EXPECT_EQ(Count(html, "href=\"" + HtmlEscape(url) + "\""), 1u) << url;
    EXPECT_EQ(html.find(url), std::string::npos) << "unescaped & in " << url;
  }
  EXPECT_NE(text.find(" 0 (Not likely): "), std::string::npos);
  EXPECT_NE(text.find("10 (Very likely): "), std::string::npos);
  EXPECT_EQ(text.find("Hi Ada,\r\n"), 0u);
  EXPECT_NE(text.find("How likely are you to recommend us to a friend or colleague?"),
            std::string::npos);
  EXPECT_NE(text.find("Unsubscribe: " + in.links.unsubscribe_url), std::string::npos);
  for (const std::string &line : SplitLines(text)) {
    if (line.find("https://") == std::string::npos) {
      EXPECT_LE(line.size(), 78u) << line;
    }
  }

  EXPECT_EQ(html.find("<!DOCTYPE html>"), 0u);
  EXPECT_NE(html.find("<html lang=\"en\""), std::string::npos);
  EXPECT_NE(html.find("display:none"), std::string::npos);  // the preheader
  EXPECT_NE(html.find("<img src=\"https://acme.example/logo.png\" alt=\"Acme Support\""),
            std::string::npos);
  EXPECT_NE(html.find("href=\"" + in.links.unsubscribe_url + "\""), std::string::npos);
  EXPECT_NE(html.find(">Not likely</td>"), std::string::npos);
  EXPECT_NE(html.find(">Very likely</td>"), std::string::npos);
  EXPECT_NE(html.find(">Hi Ada,</p>"), std::string::npos);
  EXPECT_EQ(Count(html, "<td width=\"9%\""), 11u);  // one row of eleven buttons
  EXPECT_EQ(Count(html, "bgcolor=\"#dc2626\""), 7u);
  EXPECT_EQ(Count(html, "bgcolor=\"#d97706\""), 2u);
  EXPECT_EQ(Count(html, "bgcolor=\"#16a34a\""), 2u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(SurveyEmailTest, AReminderThreadsUnderTheSurveyEmailWithItsOwnTexts) {
  SurveyEmailInput in = Input();
  in.message_id_unique = "0a1b2c3d4e5f";
  in.in_reply_to_unique = "5f2b9c0e41d7a3b8";
  Result<SurveyEmailContent> resolved = ResolveSurveyEmailContent(Content());
  ASSERT_TRUE(resolved.ok());
  const ParsedMessage m = RenderAndParse(ReminderContent(*resolved), in);
  EXPECT_EQ(Header(m.headers, "Message-ID"), "<0a1b2c3d4e5f@nps.acme.example>");
  EXPECT_EQ(Header(m.headers, "In-Reply-To"), "<5f2b9c0e41d7a3b8@nps.acme.example>");
  EXPECT_EQ(Header(m.headers, "References"), "<5f2b9c0e41d7a3b8@nps.acme.example>");
  EXPECT_EQ(m.headers.size(), 11u);
  EXPECT_EQ(Header(m.headers, "Subject"),
            "A quick reminder: how likely are you to recommend us?");
  const std::string text = m.parts[0].body;
  EXPECT_NE(text.find("A few days ago we asked how we are doing."), std::string::npos);
  EXPECT_EQ(text.find("Thank you for being our customer."), std::string::npos);
  // The same links as the survey email's.
  EXPECT_NE(text.find(in.links.score_urls[7]), std::string::npos);

  // German defaults, and the owner's own texts win.
  SurveyEmailContent german = Content();
  german.language = "de";
  resolved = ResolveSurveyEmailContent(german);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(ReminderContent(*resolved).subject,
            "Kurze Erinnerung: Würden Sie uns weiterempfehlen?");
  SurveyEmailContent own = Content();
  own.reminder_subject = "Still a minute?";
  own.reminder_intro = "One click helps.";
  resolved = ResolveSurveyEmailContent(own);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(ReminderContent(*resolved).subject, "Still a minute?");
  EXPECT_EQ(RichTextToPlainText(ReminderContent(*resolved).intro), "One click helps.");
  EXPECT_EQ(ReminderContent(*resolved).question, resolved->question);

  in.in_reply_to_unique = "a>b";
  EXPECT_FALSE(RenderSurveyEmail(Content(), in).ok());
}

TEST(SurveyEmailTest, IsPureAndDeterministic) {
  const Result<std::string> a = RenderSurveyEmail(Content(), Input());
  const Result<std::string> b = RenderSurveyEmail(Content(), Input());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  SurveyEmailInput other = Input();
  other.message_id_unique = "another-id";
  const Result<std::string> c = RenderSurveyEmail(Content(), other);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(Parse(*a).boundary, Parse(*c).boundary);
}

TEST(SurveyEmailTest, EscapesHostileNamesAndTexts) {
  SurveyEmailContent content = Content();
  content.intro = "\"><img src=x onerror=alert(1)>";
  content.question = "Rate <b>us</b> & 'friends'";
  content.sender_name = "Acme <script>";
  content.footer = "</td></tr></table><a href=\"javascript:alert(1)\">click</a>";
  SurveyEmailInput in = Input();
  in.recipient.first_name = "<script>alert(1)</script>";
  in.recipient.name = "Ann \"The Boss\" O'Neil";
  const ParsedMessage m = RenderAndParse(content, in);
  ASSERT_EQ(m.parts.size(), 2u);
  const std::string &html = m.parts[1].body;
  EXPECT_NE(html.find("Hi &lt;script&gt;alert(1)&lt;/script&gt;,"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("Rate &lt;b&gt;us&lt;/b&gt; &amp; &#39;friends&#39;"),
            std::string::npos);
  EXPECT_NE(html.find("alt=\"Acme &lt;script&gt;\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("javascript:alert(1)\">"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  // The plain text part shows the name as it is: it is not HTML.
  EXPECT_EQ(m.parts[0].body.find("Hi <script>alert(1)</script>,"), 0u);
  EXPECT_EQ(Header(m.headers, "To"), "\"Ann \\\"The Boss\\\" O'Neil\" <ada@example.com>");
  EXPECT_EQ(Header(m.headers, "From"), "\"Acme <script>\" <nps@acme.example>");

  in.recipient.first_name = "Ann \"The Boss\" O'Neil";
  const ParsedMessage quoted = RenderAndParse(content, in);
  ASSERT_EQ(quoted.parts.size(), 2u);
  EXPECT_NE(quoted.parts[1].body.find("Hi Ann &quot;The Boss&quot; O&#39;Neil,"),
            std::string::npos);
}

// The owner's rich intro and footer: email-safe HTML with inline styles,
// and readable plain text with the link targets.
TEST(SurveyEmailTest, RichTextIntroAndFooter) {
  SurveyEmailContent content = Content();
  content.brand_color = "#0f766e";
  content.intro = *ReadRichText(nlohmann::json::parse(R"({"type":"doc","content":[
    {"type":"paragraph","content":[{"type":"text","text":"We read "},
      {"type":"text","text":"every","marks":[{"type":"bold"}]},
      {"type":"text","text":" answer."}]},
    {"type":"paragraph","content":[{"type":"text","text":"See "},
      {"type":"text","text":"our blog","marks":[{"type":"italic"},
        {"type":"link","attrs":{"href":"https://acme.example/blog"}}]}]}]})"),
                                "intro", 2000);
  content.footer = "Acme Ltd\nSomewhere";
  const ParsedMessage m = RenderAndParse(content, Input());
  ASSERT_EQ(m.parts.size(), 2u);
  const std::string &html = m.parts[1].body;
  EXPECT_NE(html.find("<p style=\"margin:0 0 16px 0;\">We read <strong>every</strong> "
                      "answer.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"https://acme.example/blog\" target=\"_blank\" "
                      "style=\"color:#0f766e;text-decoration:underline;\"><em>our "
                      "blog</em></a>"),
            std::string::npos);
  EXPECT_NE(html.find("Acme Ltd<br>"), std::string::npos);
  EXPECT_NE(html.find("Somewhere</p>"), std::string::npos);
  EXPECT_EQ(html.find("data-callexa-field"),
            std::string::npos);  // marks are preview-only
  const std::string &text = m.parts[0].body;
  const std::vector<std::string> lines = SplitLines(text);
  const auto at = std::find(lines.begin(), lines.end(), "We read every answer.");
  ASSERT_NE(at, lines.end()) << text;
  ASSERT_LT(at + 2, lines.end());
  EXPECT_EQ(*(at + 1), "");  // paragraphs apart by a blank line
  EXPECT_EQ(*(at + 2), "See our blog (https://acme.example/blog)");
}

TEST(SurveyEmailTest, HeaderInjectionIsNeutralised) {
  SurveyEmailContent content = Content();
  content.subject = "Quick question\r\nBcc: victim@example.com\r\n\r\n<html>";
  content.sender_name = "Acme\nReply-To: evil@example.com";
  SurveyEmailInput in = Input();
  in.recipient.name = "Eve\r\nCc: victim@example.com";
  in.recipient.first_name = "Eve\r\nX-Injected: yes";
  const ParsedMessage m = RenderAndParse(content, in);
  for (const char *name : {"Bcc", "Cc", "Reply-To", "X-Injected"}) {
    EXPECT_EQ(CountHeaders(m.headers, name), 0) << name;
  }
  EXPECT_EQ(m.headers.size(), 9u);
  EXPECT_EQ(Header(m.headers, "Subject"),
            "Quick question Bcc: victim@example.com <html>");
  EXPECT_EQ(Header(m.headers, "To"), "\"Eve Cc: victim@example.com\" <ada@example.com>");
  EXPECT_EQ(Header(m.headers, "From"),
            "\"Acme Reply-To: evil@example.com\" <nps@acme.example>");
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].body.find("Hi Eve X-Injected: yes,"), 0u);

  // Addresses cannot be cleaned; they are refused.
  in = Input();
  in.recipient.email = "ada@example.com\r\nBcc: victim@example.com";
  EXPECT_FALSE(RenderSurveyEmail(Content(), in).ok());
  content = Content();
  content.sender_address = "nps@acme.example>\r\nBcc: x@y.z";
  EXPECT_FALSE(RenderSurveyEmail(content, Input()).ok());
}

TEST(SurveyEmailTest, NonAsciiHeadersUseEncodedWords) {
  SurveyEmailContent content = Content();
  content.subject =
      "Wie zufrieden sind Sie mit Ihrem Einkauf bei M\xc3\xbcller & S\xc3\xb6hne "
      "\xe2\x80\x93 eine Frage, ein Klick, zwei Minuten? \xf0\x9f\x98\x80";
  content.sender_name = "M\xc3\xbcller & S\xc3\xb6hne";
  SurveyEmailInput in = Input();
  in.recipient.name = "J\xc3\xbcrgen \xc3\x96zt\xc3\xbcrk";
  const Result<std::string> message = RenderSurveyEmail(content, in);
  ASSERT_TRUE(message.ok());
  const std::string head = message->substr(0, message->find("\r\n\r\n") + 2);
  for (const std::string &line : SplitLines(head)) {
    for (unsigned char c : line) EXPECT_LT(c, 0x80) << line;  // headers are ASCII
    if (line.find("=?UTF-8?") != std::string::npos) {
      EXPECT_LE(line.size(), 76u) << line;
    }
  }
  const ParsedMessage m = Parse(*message);
  EXPECT_EQ(DecodeHeaderValue(Header(m.headers, "Subject")), content.subject);
  EXPECT_EQ(DecodeHeaderValue(Header(m.headers, "To")),
            "J\xc3\xbcrgen \xc3\x96zt\xc3\xbcrk <ada@example.com>");
  EXPECT_EQ(DecodeHeaderValue(Header(m.headers, "From")),
            "M\xc3\xbcller & S\xc3\xb6hne <nps@acme.example>");
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_NE(m.parts[1].body.find("<title>Wie zufrieden"), std::string::npos);
}

TEST(SurveyEmailTest, GermanDefaults) {
  SurveyEmailContent content;
  content.language = "de";
  content.sender_address = "umfrage@shop.example";
  SurveyEmailInput in = Input();
  in.recipient.first_name = "J\xc3\xbcrgen";
  const ParsedMessage m = RenderAndParse(content, in);
  EXPECT_EQ(DecodeHeaderValue(Header(m.headers, "Subject")),
            DefaultSurveyEmailContent("de")->subject);
  EXPECT_NE(Header(m.headers, "Subject").find("=?UTF-8?"), std::string::npos);
  EXPECT_EQ(Header(m.headers, "From"), "umfrage@shop.example");
  ASSERT_EQ(m.parts.size(), 2u);
  const std::string &text = m.parts[0].body;
  const std::string &html = m.parts[1].body;
  EXPECT_EQ(text.find("Hallo J\xc3\xbcrgen,\r\n"), 0u);
  EXPECT_NE(text.find(" 0 (Unwahrscheinlich): "), std::string::npos);
  EXPECT_NE(text.find("10 (Sehr wahrscheinlich): "), std::string::npos);
  EXPECT_NE(text.find("Abmelden: https://"), std::string::npos);
  EXPECT_NE(text.find("weiterempfehlen?"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"de\""), std::string::npos);
  EXPECT_NE(html.find(">Hallo J\xc3\xbcrgen,</p>"), std::string::npos);
  EXPECT_NE(html.find(">Abmelden</a>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);  // no logo configured

  in.recipient.first_name = "";
  const ParsedMessage anonymous = RenderAndParse(content, in);
  ASSERT_EQ(anonymous.parts.size(), 2u);
  EXPECT_EQ(anonymous.parts[0].body.find("Guten Tag,\r\n"), 0u);
}

TEST(SurveyEmailTest, BrandColourAndRecipientWithoutName) {
  SurveyEmailContent content = Content();
  content.brand_color = "#FFD700";  // light: dark text on it
  content.score_colors = "brand";   // all eleven buttons in it
  SurveyEmailInput in = Input();
  in.recipient.name = "";
  in.recipient.first_name = "";
  const ParsedMessage m = RenderAndParse(content, in);
  EXPECT_EQ(Header(m.headers, "To"), "ada@example.com");
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].body.find("Hello,\r\n"), 0u);
  const std::string &html = m.parts[1].body;
  EXPECT_EQ(Count(html, "bgcolor=\"#ffd700\""), 11u);
  EXPECT_EQ(Count(html, "color:#111827;text-decoration:none"), 11u);
  EXPECT_EQ(html.find("#dc2626"), std::string::npos);
}

TEST(SurveyEmailTest, BrandColourKeepsTheScoreCueByDefault) {
  SurveyEmailContent content = Content();
  content.brand_color = "#0f766e";
  const ParsedMessage m = RenderAndParse(content, Input());
  const std::string &html = m.parts[1].body;
  EXPECT_EQ(Count(html, "bgcolor=\"#dc2626\""), 7u);
  EXPECT_EQ(Count(html, "bgcolor=\"#d97706\""), 2u);
  EXPECT_EQ(Count(html, "bgcolor=\"#16a34a\""), 2u);
  EXPECT_EQ(Count(html, "bgcolor=\"#0f766e\""), 0u);
}

TEST(SurveyEmailTest, BoundaryCannotOccurInBodies) {
  const std::string boundary = MimeBoundaryFor("<5f2b9c0e41d7a3b8@nps.acme.example>");
  EXPECT_EQ(boundary.rfind("=_callexa_", 0), 0u);
  EXPECT_LE(boundary.size(), 70u);
  SurveyEmailContent content = Content();
  content.intro = "--" + boundary + "\n--" + boundary + "--\n" + boundary;
  content.question = "=_callexa_ " + boundary;
  const ParsedMessage m = RenderAndParse(content, Input());  // counts boundaries
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_NE(m.parts[0].body.find("--" + boundary + "\r\n"), std::string::npos);
}

TEST(SurveyEmailTest, LongTextsKeepLinesShort) {
  SurveyEmailContent content = Content();
  std::string long_text;
  for (int i = 0; i < 300; ++i)
    long_text +=
        "sehr \xc3\xbc"
        "berzeugend ";
  content.intro = long_text + std::string(3000, 'x');
  content.footer = long_text;
  const Result<std::string> message = RenderSurveyEmail(content, Input());
  ASSERT_TRUE(message.ok());
  const ParsedMessage m = Parse(*message);  // checks 998 and 76 limits
  ASSERT_EQ(m.parts.size(), 2u);
}

TEST(SurveyEmailTest, OneClickUnsubscribeOnlyOverHttps) {
  SurveyEmailInput in = Input();
  in.links.unsubscribe_url = "http://nps.acme.example/s/u/tok";
  in.links.one_click_unsubscribe_url = "http://nps.acme.example/s/u/tok";
  const ParsedMessage m = RenderAndParse(Content(), in);
  EXPECT_EQ(Header(m.headers, "List-Unsubscribe"), "<http://nps.acme.example/s/u/tok>");
  EXPECT_EQ(CountHeaders(m.headers, "List-Unsubscribe-Post"), 0);
}

TEST(SurveyEmailTest, RejectsBadInput) {
  const struct {
    const char *what;
    void (*change)(SurveyEmailContent *, SurveyEmailInput *);
  } cases[] = {
      {"javascript score link",
       [](SurveyEmailContent *, SurveyEmailInput *in) {
         in->links.score_urls[0] = "javascript:alert(1)";
       }},
      {"data score link",
       [](SurveyEmailContent *, SurveyEmailInput *in) {
         in->links.score_urls[10] = "data:text/html,x";
       }},
      {"empty score link",
       [](SurveyEmailContent *, SurveyEmailInput *in) { in->links.score_urls[5] = ""; }},
      {"quote in link",
       [](SurveyEmailContent *, SurveyEmailInput *in) {
         in->links.score_urls[3] = "https://x.example/\"onclick=\"alert(1)";
       }},
      {"ftp unsubscribe",
       [](SurveyEmailContent *, SurveyEmailInput *in) {
         in->links.unsubscribe_url = "ftp://nps.acme.example/u";
       }},
      {"javascript one-click",
       [](SurveyEmailContent *, SurveyEmailInput *in) {
         in->links.one_click_unsubscribe_url = "javascript:alert(1)";
       }},
      {"bad recipient",
       [](SurveyEmailContent *, SurveyEmailInput *in) { in->recipient.email = "ada"; }},
      {"Message-ID with @",
       [](SurveyEmailContent *, SurveyEmailInput *in) { in->message_id_unique = "a@b"; }},
      {"empty Message-ID",
       [](SurveyEmailContent *, SurveyEmailInput *in) { in->message_id_unique = ""; }},
      {"Message-ID with >",
       [](SurveyEmailContent *, SurveyEmailInput *in) { in->message_id_unique = "a>"; }},
      {"bad Message-ID domain",
       [](SurveyEmailContent *, SurveyEmailInput *in) {
         in->message_id_domain = "nps.example>\r\nBcc: x";
       }},
      {"javascript logo",
       [](SurveyEmailContent *c, SurveyEmailInput *) { c->logo_url = "javascript:x"; }},
      {"bad colour",
       [](SurveyEmailContent *c, SurveyEmailInput *) { c->brand_color = "#fff\"x"; }},
      {"unknown language",
       [](SurveyEmailContent *c, SurveyEmailInput *) { c->language = "fr"; }},
      {"no sender",
       [](SurveyEmailContent *c, SurveyEmailInput *) { c->sender_address = ""; }},
  };
  for (const auto &t : cases) {
    SurveyEmailContent content = Content();
    SurveyEmailInput in = Input();
    t.change(&content, &in);
    const Result<std::string> got = RenderSurveyEmail(content, in);
    ASSERT_FALSE(got.ok()) << t.what;
    EXPECT_EQ(got.status().code(), Status::Code::kInvalidArgument) << t.what;
  }
}

}  // namespace
}  // namespace callexa
