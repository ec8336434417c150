// Net Promoter Score arithmetic (PRODUCT.md §2 Reports), on counts only:
// NPS = %promoters (9-10) - %detractors (0-6), passives in the
// denominator; its 95% margin of error from the variance of the
// per-answer score (+1, 0, -1): with p and d the promoters' and
// detractors' shares, var = p + d - (p - d)^2 and SE = sqrt(var / n).
#ifndef CALLEXA_REPORTS_NPS_H_
#define CALLEXA_REPORTS_NPS_H_

#include <cstdint>
#include <optional>

#include "store/report_store.h"

namespace callexa {

// z of a two-sided 95% interval.
constexpr double kZ95 = 1.96;

struct NpsFigures {
  int64_t answers = 0;
  int64_t promoters = 0, passives = 0, detractors = 0;
  double promoters_pct = 0, passives_pct = 0, detractors_pct = 0;  // 0..100
  std::optional<double> nps;   // -100..100; none without answers
  double standard_error = 0;   // of the NPS as a fraction (-1..1); 0 without answers
  double margin_of_error = 0;  // 1.96 SE in NPS points; 0 without answers
};

NpsFigures ComputeNps(int64_t promoters, int64_t passives, int64_t detractors);
NpsFigures ComputeNps(const ScoreCounts &scores);

// The change from `previous` to `current`, and whether it is larger than
// chance would make it at 95%: |change| > 1.96 sqrt(SE1^2 + SE2^2) (as
// points). No change (and not significant) when either has no answers.
struct NpsChange {
  std::optional<double> change;
  bool significant = false;
};

NpsChange CompareNps(const NpsFigures &current, const NpsFigures &previous);

// part / whole, or none when whole is 0.
std::optional<double> Rate(int64_t part, int64_t whole);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_NPS_H_
