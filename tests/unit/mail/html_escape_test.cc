#include "mail/html_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

TEST(HtmlEscapeTest, EscapesTheFiveSpecials) {
  const struct {
    const char *in;
    const char *want;
  } cases[] = {
      {"", ""},
      {"plain text", "plain text"},
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"Ann \"The Boss\" O'Neil", "Ann &quot;The Boss&quot; O&#39;Neil"},
      {"a & b", "a &amp; b"},
      {"&amp;", "&amp;amp;"},  // escaped again, never trusted
      {"\" onmouseover=\"x", "&quot; onmouseover=&quot;x"},
      {"' onclick='x", "&#39; onclick=&#39;x"},
      {"J\xc3\xbcrgen", "J\xc3\xbcrgen"},
  };
  for (const auto &c : cases) EXPECT_EQ(HtmlEscape(c.in), c.want) << c.in;
}

TEST(HtmlEscapeTest, AcceptsWebUrls) {
  const char *const cases[] = {
      "https://example.com",         "https://example.com/s/abc?score=3&t=x#frag",
      "http://localhost:8080/s/tok", "HTTPS://EXAMPLE.COM/",
      "https://[::1]:8443/s",        "https://example.com/%3Cpercent%22encoded%3E",
  };
  for (const char *url : cases) {
    EXPECT_TRUE(CheckWebUrl(url, false, "link").ok()) << url;
  }
  EXPECT_TRUE(CheckWebUrl("https://example.com/u", true, "link").ok());
}

TEST(HtmlEscapeTest, RejectsOtherUrls) {
  const struct {
    std::string url;
    bool https_only;
  } cases[] = {
      {"javascript:alert(1)", false},
      {"JavaScript:alert(1)", false},
      {" javascript:alert(1)", false},
      {"data:text/html,<script>alert(1)</script>", false},
      {"vbscript:msgbox", false},
      {"mailto:a@example.com", false},
      {"//example.com/x", false},
      {"https:example.com", false},
      {"https://", false},
      {"https:///path", false},
      {"https://:80/", false},
      {"https://bank.example@evil.example/", false},
      {"https://example.com/\"onmouseover=\"x", false},
      {"https://example.com/'x", false},
      {"https://example.com/<x>", false},
      {"https://example.com/a b", false},
      {"https://example.com/\r\nBcc: x", false},
      {"https://example.com/\\x", false},
      {"https://example.com/`x", false},
      {"https://example.com/\xc3\xbc", false},
      {"https://example.com/" + std::string(kMaxUrlLength, 'a'), false},
      {"http://example.com/", true},
  };
  for (const auto &c : cases) {
    const Status s = CheckWebUrl(c.url, c.https_only, "score URL 3");
    ASSERT_FALSE(s.ok()) << c.url;
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(s.message().find("score URL 3"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace callexa
