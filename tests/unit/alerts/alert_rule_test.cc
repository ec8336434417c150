#include "alerts/alert_rule.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

// The settling rule with a 120 s quiet period (the default 2 minutes).
TEST(AlertRuleTest, DueWhenQuietButNeverLaterThanFiveQuietPeriods) {
  const struct {
    int64_t queued_at, last_change, due_at;
  } cases[] = {
      {1000, 1000, 1120},  // a score alone: two minutes after it
      {1000, 1060, 1180},  // the comment a minute later: two minutes after that
      {1000, 1400, 1520},  // edits put it off ...
      {1000, 1480, 1600},  // ... up to ten minutes after it was queued
      {1000, 1590, 1600},  // and no further
      {1000, 5000, 1600},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(AlertDueAt(c.queued_at, c.last_change, 120), c.due_at)
        << c.queued_at << " " << c.last_change;
    // The store's cutoffs say the same at the due time and a second before.
    const AlertCutoffs at = AlertCutoffsAt(c.due_at, 120);
    EXPECT_TRUE(c.last_change <= at.quiet_before || c.queued_at <= at.queued_before);
    const AlertCutoffs before = AlertCutoffsAt(c.due_at - 1, 120);
    EXPECT_FALSE(c.last_change <= before.quiet_before ||
                 c.queued_at <= before.queued_before);
  }
}

TEST(AlertRuleTest, BandsChooseWhichScoresAlert) {
  const struct {
    AlertBands bands;
    int lowest_silent;  // the scores below alert, this one and above do not
  } cases[] = {{AlertBands::kOff, 0},
               {AlertBands::kDetractors, 7},
               {AlertBands::kDetractorsAndPassives, 9},
               {AlertBands::kAll, 11}};
  for (const auto &c : cases) {
    for (int score = 0; score <= 10; ++score) {
      EXPECT_EQ(AlertsOnScore(c.bands, score), score < c.lowest_silent)
          << AlertBandsName(c.bands) << " " << score;
    }
    EXPECT_EQ(ParseAlertBands(AlertBandsName(c.bands)), c.bands);
  }
  EXPECT_FALSE(ParseAlertBands("detractor").has_value());
}

}  // namespace
}  // namespace callexa
