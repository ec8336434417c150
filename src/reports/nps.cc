#include "reports/nps.h"

#include <algorithm>
#include <cmath>

namespace callexa {

NpsFigures ComputeNps(int64_t promoters, int64_t passives, int64_t detractors) {
  NpsFigures f;
  f.promoters = promoters;
  f.passives = passives;
  f.detractors = detractors;
  f.answers = promoters + passives + detractors;
  if (f.answers == 0) return f;
  const double n = static_cast<double>(f.answers);
  const double p = promoters / n;
  const double d = detractors / n;
  f.promoters_pct = 100 * p;
  f.passives_pct = 100 * (passives / n);
  f.detractors_pct = 100 * d;
  f.nps = 100 * (p - d);
  // Rounding can leave a hair below zero when everyone is in one band.
  const double variance = std::max(0.0, p + d - (p - d) * (p - d));
  f.standard_error = std::sqrt(variance / n);
  f.margin_of_error = kZ95 * f.standard_error * 100;
  return f;
}

NpsFigures ComputeNps(const ScoreCounts &scores) {
  int64_t by_band[3] = {0, 0, 0};
  for (int score = 0; score <= 10; ++score) {
    by_band[static_cast<int>(BandOfScore(score))] += scores[score];
  }
  return ComputeNps(by_band[static_cast<int>(ScoreBand::kPromoter)],
                    by_band[static_cast<int>(ScoreBand::kPassive)],
                    by_band[static_cast<int>(ScoreBand::kDetractor)]);
}

NpsChange CompareNps(const NpsFigures &current, const NpsFigures &previous) {
  NpsChange c;
  if (!current.nps || !previous.nps) return c;
  c.change = *current.nps - *previous.nps;
  const double threshold = kZ95 *
                           std::sqrt(current.standard_error * current.standard_error +
                                     previous.standard_error * previous.standard_error) *
                           100;
  c.significant = std::fabs(*c.change) > threshold;
  return c;
}

std::optional<double> Rate(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace callexa
