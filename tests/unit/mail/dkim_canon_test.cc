#include "mail/dkim_canon.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callexa {
namespace {

// RFC 6376 3.4.5: the example message, and what relaxed makes of it.
constexpr char kRfcExample[] =
    "A: X\r\n"
    "B : Y\t\r\n"
    "\tZ  \r\n"
    "\r\n"
    " C \r\n"
    "D \t E\r\n"
    "\r\n"
    "\r\n";

TEST(DkimCanonTest, Rfc6376Section345Example) {
  auto split = SplitMessage(kRfcExample);
  ASSERT_TRUE(split.ok()) << split.status().message();
  ASSERT_EQ(split->headers.size(), 2u);
  EXPECT_EQ(RelaxedHeader(split->headers[0].name, split->headers[0].value), "a:X\r\n");
  EXPECT_EQ(RelaxedHeader(split->headers[1].name, split->headers[1].value), "b:Y Z\r\n");
  EXPECT_EQ(RelaxedSignedHeaders(split->headers, {"a", "b"}), "a:X\r\nb:Y Z\r\n");
  EXPECT_EQ(RelaxedBody(split->body), " C\r\nD E\r\n");
}

TEST(DkimCanonTest, HeaderPitfalls) {
  struct Case {
    const char *name, *value, *want;
  } cases[] = {
      // Whitespace after the colon of a field folded right after it.
      {"Subject", "\r\n  Is dinner ready?", "subject:Is dinner ready?\r\n"},
      {"Subject", " \t Is \t dinner\r\n\tready?  \t", "subject:Is dinner ready?\r\n"},
      // Names are lower-cased, values keep their case.
      {"SUBJECT", " Hello World", "subject:Hello World\r\n"},
      {"Message-ID", " <A@B>", "message-id:<A@B>\r\n"},
      // White space before the colon (obsolete syntax) goes too.
      {"To \t", " a@b", "to:a@b\r\n"},
      {"X-Empty", "", "x-empty:\r\n"},
      {"X-Blank", "   ", "x-blank:\r\n"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(RelaxedHeader(c.name, c.value), c.want) << c.name << ":" << c.value;
  }
}

TEST(DkimCanonTest, BodyPitfalls) {
  struct Case {
    const char *body, *want;
  } cases[] = {
      // Empty bodies are the empty string (erratum 1384; dkimpy agrees).
      {"", ""},
      {"\r\n", ""},
      {"\r\n\r\n\r\n", ""},
      {" \t\r\n  \r\n", ""},
      // Trailing lines of white space only are empty lines: dropped.
      {"Hi.\r\n \t\r\n\r\n  \r\n", "Hi.\r\n"},
      // Inner empty lines stay.
      {"a\r\n\r\n\r\nb\r\n", "a\r\n\r\n\r\nb\r\n"},
      {"a\r\n \r\nb\r\n", "a\r\n\r\nb\r\n"},
      // White space at line ends goes, inner runs become one space.
      {"a \t \r\nb\t\tc\r\n", "a\r\nb c\r\n"},
      // A last line without CRLF gets one.
      {"abc", "abc\r\n"},
      // Leading white space of a line is kept (as one space).
      {"\t\tindented\r\n", " indented\r\n"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(RelaxedBody(c.body), c.want) << "body: " << c.body;
  }
}

TEST(DkimCanonTest, SelectsInstancesFromTheBottomAndSkipsMissingOnes) {
  auto split = SplitMessage(
      "Received: 1\r\nSubject: first\r\nfrom: a@b\r\nSubject: second\r\n\r\nbody\r\n");
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->headers.size(), 4u);
  EXPECT_EQ(split->body, "body\r\n");
  // Subject twice: the bottom one first. A third Subject, and Reply-To,
  // are absent and add nothing (oversigning).
  EXPECT_EQ(RelaxedSignedHeaders(split->headers, {"From", "From", "Subject", "Subject",
                                                  "Subject", "Reply-To"}),
            "from:a@b\r\nsubject:second\r\nsubject:first\r\n");
}

TEST(DkimCanonTest, SplitMessageKeepsFoldsInValues) {
  auto split = SplitMessage("To: a@b,\r\n c@d\r\nSubject: x\r\n");
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->headers.size(), 2u);
  EXPECT_EQ(split->headers[0].name, "To");
  EXPECT_EQ(split->headers[0].value, " a@b,\r\n c@d");
  EXPECT_EQ(split->headers[1].value, " x");
  EXPECT_EQ(split->body, "");
  EXPECT_FALSE(SplitMessage(" folded first\r\n\r\n").ok());
  EXPECT_FALSE(SplitMessage("no colon here\r\n\r\n").ok());
}

TEST(DkimCanonTest, CheckWireForm) {
  EXPECT_TRUE(CheckWireForm("A: b\r\n\r\nbody\r\n").ok());
  EXPECT_TRUE(CheckWireForm(std::string(998, 'x') + "\r\n").ok());
  struct Case {
    std::string message;
    const char *problem;
  } cases[] = {
      {"A: b\r\n\r\nline\n", "line 3 has a lone LF"},
      {"A: b\r\n\r\nline\rx\r\n", "line 3 has a lone CR"},
      {"A: b\r\n\r\ncaf\xc3\xa9\r\n", "line 3 has a byte that is not 7-bit ASCII"},
      {std::string("A: b\r\n\0\r\n", 9), "line 2 has a byte that is not 7-bit ASCII"},
      {std::string(999, 'x') + "\r\n", "line 1 is longer than 998 characters"},
      {"A: b\r\n\r\nno end", "line 3 does not end with CRLF"},
  };
  for (const Case &c : cases) {
    const Status s = CheckWireForm(c.message);
    EXPECT_EQ(s.message(), c.problem);
  }
}

}  // namespace
}  // namespace callexa
