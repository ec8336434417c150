#include "common/email_address.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

TEST(NormalizeEmailTest, TrimsAndLowercases) {
  const struct {
    const char *raw;
    const char *want;
  } cases[] = {
      {"ann@example.com", "ann@example.com"},
      {"  Ann.Lee@Example.COM \t\n", "ann.lee@example.com"},
      {"a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"},
      {"x@y.z", "x@y.z"},
      {"o'brien@example.ie", "o'brien@example.ie"},
  };
  for (const auto &c : cases) {
    const Result<std::string> got = NormalizeEmail(c.raw);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status().message();
    EXPECT_EQ(*got, c.want) << c.raw;
  }
}

TEST(NormalizeEmailTest, WritesInternationalisedDomainsAsALabels) {
  const struct {
    const char *raw;
    const char *want;
  } cases[] = {
      {"juergen@exämple.com", "juergen@xn--exmple-cua.com"},
      {"Juergen@EXÄMPLE.com", "juergen@xn--exmple-cua.com"},  // mapped to lower case
      {"info@bücher.de", "info@xn--bcher-kva.de"},
      {"ann@例え.jp", "ann@xn--r8jz45g.jp"},
      {"ann@xn--exmple-cua.com", "ann@xn--exmple-cua.com"},  // already A-labels
      {"ann@faß.de", "ann@xn--fa-hia.de"},  // IDNA2008: ß is kept, not "ss"
  };
  for (const auto &c : cases) {
    const Result<std::string> got = NormalizeEmail(c.raw);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status().message();
    EXPECT_EQ(*got, c.want) << c.raw;
  }
}

TEST(NormalizeEmailTest, RefusesLocalPartsOutsideAsciiAndSaysWhy) {
  for (const char *raw : {"jürgen@exämple.com", "jürgen@example.com", "用户@例子.广告"}) {
    const Result<std::string> got = NormalizeEmail(raw);
    ASSERT_FALSE(got.ok()) << raw;
    EXPECT_NE(got.status().message().find("outside ASCII before the @"),
              std::string::npos)
        << got.status().message();
    EXPECT_NE(got.status().message().find("SMTPUTF8"), std::string::npos);
  }
}

TEST(NormalizeEmailTest, RefusesDomainsIdnaRefuses) {
  for (const char *raw : {"ann@\xC3\x28.com",      // not UTF-8
                          "ann@\xE2\x98\x83.com",  // a snowman: disallowed
                          "ann@-bücher.de"}) {     // a leading hyphen
    const Result<std::string> got = NormalizeEmail(raw);
    ASSERT_FALSE(got.ok()) << raw;
    EXPECT_NE(got.status().message().find("domain"), std::string::npos)
        << got.status().message();
  }
}

// Three labels, the first `first` characters long, the others 61.
std::string Labels(size_t first) {
  return std::string(first, 'b') + "." + std::string(61, 'c') + "." +
         std::string(61, 'd');
}

TEST(NormalizeEmailTest, RefusesWhatCannotBeSent) {
  const std::string local(64, 'a');
  const std::string cases[] = {
      "",
      "   ",
      "ann",
      "@example.com",      // nothing before "@"
      "ann@",              // nothing after
      "ann@example",       // no dot in the domain
      "ann@.example.com",  // domain starts with a dot
      "ann@example.com.",  // ... or ends with one
      "ann@@example.com",
      "ann@b@example.com",  // two "@"
      "ann lee@example.com",
      "\"ann lee\"@example.com",  // quoted local part
      "ann@exa mple.com",
      "ann\x01@example.com",  // control character
      "ann\x7f@example.com",
      "<ann@example.com>",
      "ann@example.com,bob@example.com",
      "ann@example.com;",
      "ann..lee@example.com",
      ".ann@example.com",
      "ann@[127.0.0.1]",                 // address literal
      "ann@exa_mple.com",                // not a host name
      local + "a@example.com",           // local part over 64 characters
      local + "@" + Labels(63) + ".co",  // 255 bytes
  };
  for (const std::string &raw : cases) {
    const Result<std::string> got = NormalizeEmail(raw);
    ASSERT_FALSE(got.ok()) << raw;
    EXPECT_EQ(got.status().code(), Status::Code::kInvalidArgument) << raw;
  }
  const std::string longest = local + "@" + Labels(62) + ".co";
  ASSERT_EQ(longest.size(), 254u);
  EXPECT_TRUE(NormalizeEmail(longest).ok()) << "254 bytes is fine";
}

}  // namespace
}  // namespace callexa
