#include "common/log_limiter.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(LogLimiterTest, OneLinePerCausePerWindowWithTheCount) {
  LogLimiter limiter(60);
  int64_t held = -1;
  EXPECT_TRUE(limiter.Admit("locked", 1000, &held));
  EXPECT_EQ(held, 0);
  EXPECT_FALSE(limiter.Admit("locked", 1001, &held));
  EXPECT_FALSE(limiter.Admit("locked", 1059, &held));
  EXPECT_TRUE(limiter.Admit("full", 1010, &held));  // another cause: its own window
  EXPECT_EQ(held, 0);
  EXPECT_TRUE(limiter.Admit("locked", 1060, &held));
  EXPECT_EQ(held, 2);
  EXPECT_FALSE(limiter.Admit("locked", 1061, &held));
  EXPECT_TRUE(limiter.Admit("locked", 2000, &held));
  EXPECT_EQ(held, 1);
}

TEST(LogLimiterTest, ManyDifferentCausesDoNotGrowWithoutEnd) {
  LogLimiter limiter(60, 3);
  int64_t held = 0;
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(limiter.Admit("cause " + std::to_string(i), 1000, &held)) << i;
  }
}

}  // namespace
}  // namespace callexa
