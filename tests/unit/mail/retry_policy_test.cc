#include "mail/retry_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace callexa {
namespace {

TEST(RetryPolicyTest, DoublesFromAMinuteUpToSixHoursWithJitter) {
  const struct {
    int attempts;
    int64_t base;
  } cases[] = {{1, 60},    {2, 120},    {3, 240},    {8, 7680},
               {9, 15360}, {10, 21600}, {30, 21600}, {0, 60}};
  for (const auto &c : cases) {
    for (uint64_t seed = 0; seed < 200; ++seed) {
      const int64_t d = RetryDelaySeconds(c.attempts, seed);
      EXPECT_GE(d, c.base * 8 / 10) << c.attempts;
      EXPECT_LE(d, c.base * 12 / 10) << c.attempts;
    }
  }
}

TEST(RetryPolicyTest, SpreadsABacklogOut) {
  std::set<int64_t> delays;
  for (uint64_t seed = 1; seed <= 100; ++seed) delays.insert(RetryDelaySeconds(5, seed));
  EXPECT_GT(delays.size(), 50u);
}

}  // namespace
}  // namespace callexa
