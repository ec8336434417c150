#include "common/secrets.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace callexa {
namespace {

TEST(SecretsTest, RandomHexHasTwoLowercaseHexDigitsPerByte) {
  const size_t sizes[] = {0, 1, 8, 20, 32, 1000};
  for (size_t bytes : sizes) {
    const std::string hex = RandomHex(bytes);
    EXPECT_EQ(hex.size(), bytes * 2) << bytes;
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  }
}

TEST(SecretsTest, RandomHexDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(RandomHex(16)).second) << "repeated after " << i;
  }
  // Over 100 KB every digit shows up; a stuck nibble would not.
  const std::string big = RandomHex(50000);
  for (char c : std::string("0123456789abcdef")) {
    EXPECT_NE(big.find(c), std::string::npos) << c;
  }
}

TEST(SecretsTest, ConstantTimeEquals) {
  const struct {
    std::string a, b;
    bool want;
  } cases[] = {
      {"", "", true},
      {"ck_abc", "ck_abc", true},
      {"ck_abc", "ck_abd", false},  // last byte differs
      {"dk_abc", "ck_abc", false},  // first byte differs
      {"ck_abc", "ck_ab", false},   // prefix
      {"ck_ab", "ck_abc", false},
      {"", "x", false},
      {std::string("a\0b", 3), std::string("a\0c", 3), false},  // embedded NUL
      {std::string("a\0b", 3), std::string("a\0b", 3), true},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(ConstantTimeEquals(c.a, c.b), c.want)
        << "\"" << c.a << "\" vs \"" << c.b << "\"";
  }
}

}  // namespace
}  // namespace callexa
