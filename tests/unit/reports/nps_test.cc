#include "reports/nps.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(NpsTest, NoAnswersHaveNoScoreAndNoMargin) {
  const NpsFigures f = ComputeNps(0, 0, 0);
  EXPECT_EQ(f.answers, 0);
  EXPECT_FALSE(f.nps.has_value());
  EXPECT_EQ(f.promoters_pct, 0);
  EXPECT_EQ(f.detractors_pct, 0);
  EXPECT_EQ(f.standard_error, 0);
  EXPECT_EQ(f.margin_of_error, 0);
}

TEST(NpsTest, OneAnswerIsAllOrNothingWithoutMargin) {
  const NpsFigures promoter = ComputeNps(1, 0, 0);
  ASSERT_TRUE(promoter.nps.has_value());
  EXPECT_DOUBLE_EQ(*promoter.nps, 100);
  EXPECT_DOUBLE_EQ(promoter.margin_of_error, 0);  // var = 1 + 0 - 1
  const NpsFigures detractor = ComputeNps(0, 0, 1);
  EXPECT_DOUBLE_EQ(*detractor.nps, -100);
  EXPECT_DOUBLE_EQ(detractor.margin_of_error, 0);
  const NpsFigures passive = ComputeNps(0, 1, 0);
  EXPECT_DOUBLE_EQ(*passive.nps, 0);
  EXPECT_DOUBLE_EQ(passive.passives_pct, 100);
  EXPECT_DOUBLE_EQ(passive.margin_of_error, 0);
}

TEST(NpsTest, AllPromoters) {
  const NpsFigures f = ComputeNps(250, 0, 0);
  EXPECT_DOUBLE_EQ(*f.nps, 100);
  EXPECT_DOUBLE_EQ(f.promoters_pct, 100);
  EXPECT_DOUBLE_EQ(f.margin_of_error, 0);
}

// Worked by hand: 50 promoters, 30 passives, 20 detractors.
// NPS = 50% - 20% = 30; var = 0.5 + 0.2 - 0.3^2 = 0.61;
// SE = sqrt(0.61 / 100) = 0.078102; margin = 1.96 * 7.8102 = 15.308.
TEST(NpsTest, WorkedExample) {
  const NpsFigures f = ComputeNps(50, 30, 20);
  EXPECT_EQ(f.answers, 100);
  EXPECT_DOUBLE_EQ(f.promoters_pct, 50);
  EXPECT_DOUBLE_EQ(f.passives_pct, 30);
  EXPECT_DOUBLE_EQ(f.detractors_pct, 20);
  EXPECT_NEAR(*f.nps, 30, 1e-9);
  EXPECT_NEAR(f.standard_error, 0.0781025, 1e-6);
  EXPECT_NEAR(f.margin_of_error, 15.308, 1e-3);
}

TEST(NpsTest, ScoresFallIntoTheirBands) {
  ScoreCounts scores{};
  scores[0] = 1;   // detractor
  scores[6] = 3;   // detractor
  scores[7] = 2;   // passive
  scores[8] = 1;   // passive
  scores[9] = 4;   // promoter
  scores[10] = 1;  // promoter
  const NpsFigures f = ComputeNps(scores);
  EXPECT_EQ(f.detractors, 4);
  EXPECT_EQ(f.passives, 3);
  EXPECT_EQ(f.promoters, 5);
  EXPECT_NEAR(*f.nps, 100.0 * (5 - 4) / 12, 1e-9);
}

// SE1 = 0.078102 (above); 30/30/40: NPS -10, var = 0.7 - 0.01 = 0.69,
// SE2 = 0.083066; threshold = 1.96 * sqrt(SE1^2 + SE2^2) * 100 = 22.35.
TEST(NpsTest, ALargeChangeIsSignificant) {
  const NpsChange c = CompareNps(ComputeNps(50, 30, 20), ComputeNps(30, 30, 40));
  ASSERT_TRUE(c.change.has_value());
  EXPECT_NEAR(*c.change, 40, 1e-9);
  EXPECT_TRUE(c.significant);
}

// 45/30/25: NPS 20, var = 0.70 - 0.04 = 0.66, SE2 = 0.081240; threshold
// 1.96 * sqrt(0.0061 + 0.0066) * 100 = 22.09 > 10.
TEST(NpsTest, ASmallChangeIsNot) {
  const NpsChange c = CompareNps(ComputeNps(50, 30, 20), ComputeNps(45, 30, 25));
  EXPECT_NEAR(*c.change, 10, 1e-9);
  EXPECT_FALSE(c.significant);
}

TEST(NpsTest, NoChangeWithoutAnswersOnEitherSide) {
  const NpsChange c = CompareNps(ComputeNps(5, 0, 0), ComputeNps(0, 0, 0));
  EXPECT_FALSE(c.change.has_value());
  EXPECT_FALSE(c.significant);
  EXPECT_FALSE(CompareNps(ComputeNps(0, 0, 0), ComputeNps(1, 0, 0)).change);
}

TEST(NpsTest, Rate) {
  EXPECT_FALSE(Rate(0, 0).has_value());
  EXPECT_DOUBLE_EQ(*Rate(1, 4), 0.25);
  EXPECT_DOUBLE_EQ(*Rate(0, 3), 0);
}

}  // namespace
}  // namespace callexa
