// A small MIME reader for the tests: parses a rendered message back the way
// a mail client does and checks its framing (CRLF only, line limits, one
// boundary, quoted-printable parts) with GoogleTest assertions on the way.
#ifndef CALLEXA_TESTS_UNIT_MAIL_MAIL_MESSAGE_PARSER_H_
#define CALLEXA_TESTS_UNIT_MAIL_MAIL_MESSAGE_PARSER_H_

#include <gtest/gtest.h>
#include <strings.h>

#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "mail/mime_encoding.h"
#include "mail_test_util.h"

namespace callexa {
namespace mailtest {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline int CountHeaders(const Headers &headers, const std::string &name) {
  int n = 0;
  for (const auto &h : headers) {
    if (strcasecmp(h.first.c_str(), name.c_str()) == 0) ++n;
  }
  return n;
}

inline std::string Header(const Headers &headers, const std::string &name) {
  for (const auto &h : headers) {
    if (strcasecmp(h.first.c_str(), name.c_str()) == 0) return h.second;
  }
  return "<missing " + name + ">";
}

struct Part {
  Headers headers;
  std::string body;  // decoded
};

struct ParsedMessage {
  Headers headers;
  std::string boundary;
  std::vector<Part> parts;
};

inline size_t Count(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// Parses the message the way a mail client does, checking the framing on
// the way: CRLF everywhere, short lines, one boundary, QP bodies.
inline ParsedMessage Parse(const std::string &message) {
  ParsedMessage m;
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      EXPECT_TRUE(i > 0 && message[i - 1] == '\r') << "bare LF at " << i;
    }
    if (message[i] == '\r') {
      EXPECT_TRUE(i + 1 < message.size() && message[i + 1] == '\n');
    }
    EXPECT_NE(message[i], '\0');
  }
  for (const std::string &line : SplitLines(message))
    EXPECT_LE(line.size(), kMaxLineLength);
  EXPECT_EQ(message.substr(message.size() - 2), "\r\n");

  const size_t end_of_headers = message.find("\r\n\r\n");
  if (end_of_headers == std::string::npos) {
    ADD_FAILURE() << "no end of headers";
    return m;
  }
  m.headers = ParseHeaders(message.substr(0, end_of_headers + 2));
  const std::string body = message.substr(end_of_headers + 4);

  static const std::regex kContentType(
      R"re(multipart/alternative; boundary="([^"]{1,70})")re");
  std::smatch match;
  const std::string content_type = Header(m.headers, "Content-Type");
  if (!std::regex_match(content_type, match, kContentType)) {
    ADD_FAILURE() << content_type;
    return m;
  }
  m.boundary = match[1];
  const std::string delimiter = "--" + m.boundary;
  // The boundary appears only as the delimiters: never inside a body.
  EXPECT_EQ(Count(message, m.boundary), 4u);  // header + 2 parts + close
  std::vector<std::string> lines = SplitLines(body);
  std::vector<std::string> current;
  bool in_part = false, closed = false;
  auto finish = [&]() {
    if (!in_part) return;
    std::string raw;
    for (const std::string &l : current) raw += l + "\r\n";
    const size_t blank = raw.find("\r\n\r\n");
    ASSERT_NE(blank, std::string::npos);
    Part p;
    p.headers = ParseHeaders(raw.substr(0, blank + 2));
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046).
    std::string encoded = raw.substr(blank + 4);
    if (encoded.size() >= 2) encoded.resize(encoded.size() - 2);
    for (const std::string &l : SplitLines(encoded)) {
      EXPECT_LE(l.size(), kQuotedPrintableLineLimit) << l;
    }
    const std::optional<std::string> decoded = QuotedPrintableDecode(encoded);
    ASSERT_TRUE(decoded.has_value());
    p.body = *decoded;
    m.parts.push_back(std::move(p));
  };
  for (const std::string &line : lines) {
    if (line == delimiter || line == delimiter + "--") {
      finish();
      current.clear();
      in_part = line == delimiter;
      closed = !in_part;
      continue;
    }
    EXPECT_FALSE(closed) << "text after the closing delimiter";
    if (in_part) current.push_back(line);
  }
  EXPECT_TRUE(closed) << "no closing delimiter";
  return m;
}

}  // namespace mailtest
}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_MAIL_MAIL_MESSAGE_PARSER_H_
