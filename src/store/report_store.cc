#include "store/report_store.h"

namespace callexa {

ScoreBand BandOfScore(int score) {
  return score >= 9   ? ScoreBand::kPromoter
         : score >= 7 ? ScoreBand::kPassive
                      : ScoreBand::kDetractor;
}

const char *ScoreBandName(ScoreBand band) {
  switch (band) {
    case ScoreBand::kPassive:
      return "passive";
    case ScoreBand::kPromoter:
      return "promoter";
    case ScoreBand::kDetractor:
      break;
  }
  return "detractor";
}

std::optional<ScoreBand> ParseScoreBand(std::string_view name) {
  for (ScoreBand b : {ScoreBand::kDetractor, ScoreBand::kPassive, ScoreBand::kPromoter}) {
    if (name == ScoreBandName(b)) return b;
  }
  return std::nullopt;
}

const char *TrendIntervalName(TrendInterval interval) {
  switch (interval) {
    case TrendInterval::kDay:
      return "day";
    case TrendInterval::kMonth:
      return "month";
    case TrendInterval::kWeek:
      break;
  }
  return "week";
}

std::optional<TrendInterval> ParseTrendInterval(std::string_view name) {
  for (TrendInterval i :
       {TrendInterval::kDay, TrendInterval::kWeek, TrendInterval::kMonth}) {
    if (name == TrendIntervalName(i)) return i;
  }
  return std::nullopt;
}

}  // namespace callexa
