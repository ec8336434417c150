#include "common/web_url.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

TEST(WebUrlTest, AcceptsWebUrls) {
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

TEST(WebUrlTest, RejectsOtherUrls) {
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
