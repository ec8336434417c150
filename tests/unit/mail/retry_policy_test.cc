#include "mail/retry_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>

namespace callexa {
namespace {

// The delay before jitter for each attempt count.
struct Step {
  int attempts;
  int64_t nominal;
};

TEST(RetryPolicyTest, DoublesFromAMinuteUpToSixHoursWithinTwentyPercent) {
  const Step steps[] = {{1, 60},         {2, 120},       {3, 240},
                        {4, 480},        {5, 960},       {6, 1920},
                        {7, 3840},       {8, 7680},      {9, 15360},
                        {10, 6 * 3600},  {11, 6 * 3600}, {kMaxDeliveryAttempts, 6 * 3600},
                        {1000, 6 * 3600}};
  for (const Step &step : steps) {
    for (uint64_t seed = 0; seed < 200; ++seed) {
      const int64_t delay = RetryDelaySeconds(step.attempts, seed);
      EXPECT_GE(delay, step.nominal * 8 / 10) << step.attempts << " seed " << seed;
      EXPECT_LE(delay, step.nominal * 12 / 10) << step.attempts << " seed " << seed;
    }
  }
}

TEST(RetryPolicyTest, ZeroOrNegativeAttemptsCountAsTheFirst) {
  EXPECT_EQ(RetryDelaySeconds(0, 7), RetryDelaySeconds(1, 7));
  EXPECT_EQ(RetryDelaySeconds(-5, 7), RetryDelaySeconds(1, 7));
}

TEST(RetryPolicyTest, SameSeedSameDelayNeighbouringSeedsSpread) {
  EXPECT_EQ(RetryDelaySeconds(4, 12345), RetryDelaySeconds(4, 12345));
  // Invitations with consecutive ids that failed together retry spread out
  // over the whole ±20% window, not bunched.
  std::set<int64_t> delays;
  int64_t low = 6 * 3600 * 2, high = 0;
  for (uint64_t id = 1; id <= 100; ++id) {
    const int64_t d = RetryDelaySeconds(10, id);
    delays.insert(d);
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_GT(delays.size(), 90u);
  EXPECT_LT(low, 6 * 3600 * 85 / 100);
  EXPECT_GT(high, 6 * 3600 * 115 / 100);
}

TEST(RetryPolicyTest, GivesUpAfterAboutADayAndAHalf) {
  // The waits between kMaxDeliveryAttempts attempts, nominal and at the
  // jitter's extremes.
  int64_t nominal = 0;
  for (int attempts = 1; attempts < kMaxDeliveryAttempts; ++attempts) {
    int64_t base = 60;
    for (int i = 1; i < attempts; ++i) base = std::min<int64_t>(base * 2, 6 * 3600);
    nominal += base;
  }
  EXPECT_GE(nominal, 30 * 3600);
  EXPECT_LE(nominal, 42 * 3600);
}

}  // namespace
}  // namespace callexa
