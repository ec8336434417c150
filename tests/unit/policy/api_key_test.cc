#include "policy/api_key.h"

#include <gtest/gtest.h>

#include <set>

namespace callexa {
namespace {

Survey WithKey(int64_t id, const std::string &key) {
  Survey s;
  s.id = id;
  s.api_key = key;
  return s;
}

TEST(ApiKeyTest, NewKeysLookRightAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string key = NewApiKey();
    ASSERT_EQ(key.size(), 43u) << key;
    EXPECT_EQ(key.substr(0, 3), "ck_");
    EXPECT_EQ(key.find_first_not_of("0123456789abcdef", 3), std::string::npos) << key;
    EXPECT_TRUE(seen.insert(key).second) << key;
  }
}

TEST(ApiKeyTest, PrefixIsTheIndexedPart) {
  EXPECT_EQ(ApiKeyPrefix("ck_0123456789abcdef"), "ck_012345678");
  EXPECT_EQ(ApiKeyPrefix("short"), "short");
  EXPECT_EQ(ApiKeyPrefix(""), "");
}

TEST(ApiKeyTest, MatchesOnlyTheWholeKey) {
  const std::vector<Survey> candidates = {WithKey(1, "ck_aaaaaaaaa1"),
                                          WithKey(2, "ck_aaaaaaaaa2")};
  const auto found = MatchApiKey(candidates, "ck_aaaaaaaaa2");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, 2);
  EXPECT_FALSE(MatchApiKey(candidates, "ck_aaaaaaaaa").has_value());  // a prefix
  EXPECT_FALSE(MatchApiKey(candidates, "ck_aaaaaaaaa3").has_value());
  EXPECT_FALSE(MatchApiKey(candidates, "").has_value());
  EXPECT_FALSE(MatchApiKey({WithKey(3, "")}, "").has_value());
  EXPECT_FALSE(MatchApiKey({}, "ck_aaaaaaaaa1").has_value());
}

}  // namespace
}  // namespace callexa
