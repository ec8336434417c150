#include "common/html_escape.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace callexa
