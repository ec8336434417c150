#include "mail/mime_encoding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/email_address.h"
#include "common/utf8.h"
#include "mail_test_util.h"

namespace callexa {
namespace {

using mailtest::DecodeHeaderValue;
using mailtest::ParseHeaders;
using mailtest::QuotedPrintableDecode;
using mailtest::SplitLines;

// What a decoder gives back for `text`: every line break as CRLF.
std::string WithCrlf(const std::string &text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

// Checks the shape of quoted-printable output: line length, alphabet, no
// trailing white space, no "=_".
void ExpectWellFormedQuotedPrintable(const std::string &qp, const std::string &input) {
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '\r') {
      ASSERT_TRUE(i + 1 < qp.size() && qp[i + 1] == '\n') << "bare CR for " << input;
    } else if (qp[i] == '\n') {
      ASSERT_TRUE(i > 0 && qp[i - 1] == '\r') << "bare LF for " << input;
    } else {
      const unsigned char u = static_cast<unsigned char>(qp[i]);
      ASSERT_TRUE(u == '\t' || (u >= 32 && u <= 126)) << "byte " << int(u);
    }
  }
  for (const std::string &line : SplitLines(qp)) {
    EXPECT_LE(line.size(), kQuotedPrintableLineLimit) << line;
    if (!line.empty()) {
      EXPECT_NE(line.back(), ' ') << line;
      EXPECT_NE(line.back(), '\t') << line;
      EXPECT_NE(line.front(), '.') << line;
    }
  }
  EXPECT_EQ(qp.find("=_"), std::string::npos);
}

TEST(MimeEncodingTest, QuotedPrintableEncodes) {
  const struct {
    std::string in;
    std::string want;
  } cases[] = {
      {"", ""},
      {"hello, world", "hello, world"},
      {"a=b", "a=3Db"},
      {"trailing space \nnext", "trailing space=20\r\nnext"},
      {"tab\t", "tab=09"},
      {"in between\tok", "in between\tok"},
      {"\xc3\xbc"
       "ber",
       "=C3=BCber"},
      {".leading dot", "=2Eleading dot"},
      {"From here", "=46rom here"},
      {"not From here", "not From here"},
      {"a\r\nb\nc", "a\r\nb\r\nc"},
      {"a\rb", "a=0Db"},
      {"end\n", "end\r\n"},
      {std::string(76, 'a'), std::string(76, 'a')},
      {std::string(77, 'a'), std::string(75, 'a') + "=\r\naa"},
      {std::string(74, 'a') + "=", std::string(74, 'a') + "=\r\n=3D"},
      {std::string(73, 'a') + "=", std::string(73, 'a') + "=3D"},
      {std::string(75, 'a') + ".b", std::string(75, 'a') + "=\r\n=2Eb"},
  };
  for (const auto &c : cases) {
    const std::string got = QuotedPrintableEncode(c.in);
    EXPECT_EQ(got, c.want) << c.in;
    ExpectWellFormedQuotedPrintable(got, c.in);
  }
}

TEST(MimeEncodingTest, QuotedPrintableRoundTripsArbitraryBytes) {
  std::mt19937 rng(20261128);
  const std::string alphabet = std::string("ab =.F\t\r\n\xc3\xbc\x00\xff~", 14) + "From ";
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const size_t n = rng() % 400;
    for (size_t i = 0; i < n; ++i) {
      text.push_back(rng() % 4 == 0 ? static_cast<char>(rng() % 256)
                                    : alphabet[rng() % alphabet.size()]);
    }
    const std::string qp = QuotedPrintableEncode(text);
    ExpectWellFormedQuotedPrintable(qp, text);
    const std::optional<std::string> back = QuotedPrintableDecode(qp);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, WithCrlf(text));
  }
}

TEST(MimeEncodingTest, Utf8Validation) {
  const struct {
    const char *in;
    bool valid;
  } cases[] = {
      {"plain", true},
      {"J\xc3\xbcrgen", true},
      {"\xe6\x97\xa5\xe6\x9c\xac", true},
      {"\xf0\x9f\x98\x80", true},
      {"\xc0\xaf", false},          // overlong "/"
      {"\xed\xa0\x80", false},      // surrogate
      {"\xe2\x82", false},          // truncated
      {"\xf4\x90\x80\x80", false},  // above U+10FFFF
      {"\xff", false},
  };
  for (const auto &c : cases) EXPECT_EQ(IsValidUtf8(c.in), c.valid) << c.in;
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(ToValidUtf8("J\xc3\xbcrgen"), "J\xc3\xbcrgen");
}

TEST(MimeEncodingTest, SanitizeHeaderTextNeutralisesControls) {
  const struct {
    std::string in;
    size_t max;
    std::string want;
  } cases[] = {
      {"Eve\r\nBcc: victim@example.com", 256, "Eve Bcc: victim@example.com"},
      {"  a \t b  ", 256, "a b"},
      {std::string("a\0b", 3), 256, "a b"},
      {"a\x7f"
       "b\xc2\x85"
       "c",
       256, "a b c"},                            // DEL and NEL
      {"line\xe2\x80\xa8sep", 256, "line sep"},  // U+2028
      {"bad\xff", 256, "bad\xef\xbf\xbd"},
      {"\xc3\xa4\xc3\xa4\xc3\xa4", 5, "\xc3\xa4\xc3\xa4"},  // cut between characters
      {"ab cd", 3, "ab"},
  };
  for (const auto &c : cases) EXPECT_EQ(SanitizeHeaderText(c.in, c.max), c.want) << c.in;
}

TEST(MimeEncodingTest, EncodedWordsRoundTrip) {
  const std::string long_mixed =
      "Ihre Meinung z\xc3\xa4hlt: W\xc3\xbcrden Sie uns weiterempfehlen? "
      "Wir freuen uns \xc3\xbc"
      "ber jede Antwort, auch \xc3\xbc"
      "ber kritische!";
  std::string emoji;
  for (int i = 0; i < 30; ++i) emoji += "\xf0\x9f\x98\x80";
  const std::string cases[] = {
      "J\xc3\xbcrgen M\xc3\xbcller",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe5\x90\x8d\xe5\x89\x8d",
      "plain ascii",
      "looks =?like?= a word",
      "Ren\xc3\xa9"
      "e \"the boss\" O'Neil <x@y>",
      long_mixed,
      emoji,
      "\xc3\xa9",
  };
  for (const std::string &text : cases) {
    const std::string encoded = EncodeHeaderWords(text, 9);
    const bool ascii_plain = text == "plain ascii";
    EXPECT_EQ(encoded == text, ascii_plain) << text;
    if (!ascii_plain) {
      size_t pos = 0;
      while (pos <= encoded.size()) {  // every word within 75 characters
        size_t space = encoded.find(' ', pos);
        if (space == std::string::npos) space = encoded.size();
        EXPECT_LE(space - pos, kEncodedWordLimit) << encoded;
        EXPECT_EQ(encoded.compare(pos, 8, "=?UTF-8?"), 0) << encoded;
        pos = space + 1;
      }
    }
    const Result<std::string> header = FormatHeader("Subject", encoded);
    ASSERT_TRUE(header.ok()) << header.status().message();
    for (const std::string &line : SplitLines(*header)) {
      EXPECT_LE(line.size(), ascii_plain ? kHeaderLineLimit : 76u) << line;
    }
    const auto parsed = ParseHeaders(*header);
    ASSERT_EQ(parsed.size(), 1u);
    EXPECT_EQ(DecodeHeaderValue(parsed[0].second), text);
  }
}

TEST(MimeEncodingTest, EncodedWordsPreferQForMostlyAscii) {
  EXPECT_EQ(EncodeHeaderWords("Hello J\xc3\xbcrgen, how are you", 0),
            "=?UTF-8?Q?Hello_J=C3=BCrgen=2C_how_are_you?=");
  EXPECT_EQ(EncodeHeaderWords("\xe6\x97\xa5\xe6\x9c\xac", 0), "=?UTF-8?B?5pel5pys?=");
}

TEST(MimeEncodingTest, MailAddresses) {
  const struct {
    const char *in;
    bool valid;
  } cases[] = {
      {"ada@example.com", true},
      {"first.last+tag@sub.example.co.uk", true},
      {"o'neil@example.com", true},
      {"a@localhost", true},
      {"", false},
      {"no-at.example.com", false},
      {"@example.com", false},
      {"ada@", false},
      {".ada@example.com", false},
      {"a..b@example.com", false},
      {"a b@example.com", false},
      {"\"quoted\"@example.com", false},
      {"ada@-example.com", false},
      {"ada@example..com", false},
      {"ada@exa_mple.com", false},
      {"ada@example.com>\r\nBcc: x@y.z", false},
      {"ada@example.com\n", false},
      {"j\xc3\xbcrgen@example.com", false},
      {"a@b@example.com", false},
  };
  for (const auto &c : cases) EXPECT_EQ(IsValidMailAddress(c.in), c.valid) << c.in;
  EXPECT_FALSE(IsValidMailAddress(std::string(65, 'a') + "@example.com"));
  EXPECT_TRUE(IsValidMailAddress(std::string(64, 'a') + "@example.com"));
}

TEST(MimeEncodingTest, FormatsMailboxes) {
  const struct {
    std::string name;
    std::string want;
  } cases[] = {
      {"", "ada@example.com"},
      {"   ", "ada@example.com"},
      {"Ada Lovelace", "\"Ada Lovelace\" <ada@example.com>"},
      {"Ann \"The Boss\" O'Neil", "\"Ann \\\"The Boss\\\" O'Neil\" <ada@example.com>"},
      {"back\\slash", "\"back\\\\slash\" <ada@example.com>"},
      {"Eve\r\nBcc: x@y.z", "\"Eve Bcc: x@y.z\" <ada@example.com>"},
      {"J\xc3\xbcrgen", "=?UTF-8?Q?J=C3=BCrgen?= <ada@example.com>"},
      {"Smith, John <boss@evil.example>",
       "\"Smith, John <boss@evil.example>\" <ada@example.com>"},
  };
  for (const auto &c : cases) {
    const Result<std::string> got = FormatMailbox(c.name, "ada@example.com", 4);
    ASSERT_TRUE(got.ok()) << c.name;
    EXPECT_EQ(*got, c.want);
  }
  const Result<std::string> bad = FormatMailbox("Eve", "x@y.z>\r\nBcc: v@w.x", 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
}

TEST(MimeEncodingTest, NonAsciiDisplayNameRoundTrips) {
  const std::string name = "Fran\xc3\xa7oise \xc3\x84rger-\xc3\x96zt\xc3\xbcrk";
  const Result<std::string> mailbox = FormatMailbox(name, "f@example.com", 4);
  ASSERT_TRUE(mailbox.ok());
  const Result<std::string> header = FormatHeader("To", *mailbox);
  ASSERT_TRUE(header.ok());
  for (const std::string &line : SplitLines(*header)) EXPECT_LE(line.size(), 76u) << line;
  EXPECT_EQ(DecodeHeaderValue(ParseHeaders(*header)[0].second),
            name + " <f@example.com>");
}

TEST(MimeEncodingTest, FormatsDates) {
  const struct {
    int64_t t;
    const char *want;
  } cases[] = {
      {0, "Thu, 01 Jan 1970 00:00:00 +0000"},
      {1795860000, "Sat, 28 Nov 2026 10:00:00 +0000"},
      {951782400, "Tue, 29 Feb 2000 00:00:00 +0000"},
      {1700000000, "Tue, 14 Nov 2023 22:13:20 +0000"},
      {253402300799, "Fri, 31 Dec 9999 23:59:59 +0000"},
      {-5, "Thu, 01 Jan 1970 00:00:00 +0000"},         // clamped
      {INT64_MAX, "Fri, 31 Dec 9999 23:59:59 +0000"},  // clamped
  };
  for (const auto &c : cases) EXPECT_EQ(FormatRfc5322Date(c.t), c.want) << c.t;
}

TEST(MimeEncodingTest, HeaderRejectsLineBreaksAndControls) {
  const std::string bad_values[] = {
      "Hello\r\nBcc: victim@example.com",
      "Hello\nBcc: victim@example.com",
      "Hello\rBcc: victim@example.com",
      std::string("nul\0byte", 8),
      "bell\a",
      "del\x7f",
      "non-ASCII \xc3\xbc",
      "\r\n\r\nbody injection",
  };
  for (const std::string &v : bad_values) {
    const Result<std::string> got = FormatHeader("Subject", v);
    ASSERT_FALSE(got.ok()) << v;
    EXPECT_EQ(got.status().code(), Status::Code::kInvalidArgument);
  }
  for (const char *name : {"", "Bad Name", "Colon:", "Caf\xc3\xa9"}) {
    EXPECT_FALSE(FormatHeader(name, "x").ok()) << name;
  }
}

TEST(MimeEncodingTest, HeaderFoldsAtSpaces) {
  std::string value;
  for (int i = 0; i < 40; ++i) value += "word" + std::to_string(i) + " ";
  value += "end";
  const Result<std::string> got = FormatHeader("Subject", value);
  ASSERT_TRUE(got.ok());
  const std::vector<std::string> lines = SplitLines(*got);
  EXPECT_GT(lines.size(), 3u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), kHeaderLineLimit);
    if (i > 0) {
      EXPECT_EQ(lines[i][0], ' ');
    }
  }
  EXPECT_EQ(ParseHeaders(*got)[0].second, value);
  EXPECT_EQ(*FormatHeader("MIME-Version", "1.0"), "MIME-Version: 1.0\r\n");
  // Double spaces survive and no line is white space only.
  const std::string spaced = std::string(70, 'x') + "    " + std::string(20, 'y');
  const Result<std::string> folded = FormatHeader("X-Test", spaced);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(ParseHeaders(*folded)[0].second, spaced);
  for (const std::string &line : SplitLines(*folded)) {
    EXPECT_NE(line.find_first_not_of(" \t"), std::string::npos);
  }
  // An unbreakable value may exceed 78 but never 998.
  EXPECT_TRUE(FormatHeader("X-Long", std::string(900, 'a')).ok());
  EXPECT_FALSE(FormatHeader("X-Long", std::string(1000, 'a')).ok());
}

TEST(MimeEncodingTest, MultilineTextLosesEveryControlButTabAndBreaks) {
  EXPECT_EQ(SanitizeMultilineText("a\r\nb\rc\td\x01"
                                  "e\x7f"),
            "a\nb\nc\tde");
  EXPECT_EQ(SanitizeMultilineText("x\u0085y\u009fz"), "xyz");  // C1
  EXPECT_EQ(SanitizeMultilineText("one\u2028two\u2029three"), "one\ntwo\nthree");
  EXPECT_EQ(SanitizeMultilineText("\u00e9\u2026"), "\u00e9\u2026");  // not controls
}

}  // namespace
}  // namespace callexa
