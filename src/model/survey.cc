#include "model/survey.h"

namespace callexa {

const char *ReportFrequencyName(ReportFrequency frequency) {
  switch (frequency) {
    case ReportFrequency::kWeekly:
      return "weekly";
    case ReportFrequency::kMonthly:
      return "monthly";
    case ReportFrequency::kOff:
      break;
  }
  return "off";
}

std::optional<ReportFrequency> ParseReportFrequency(std::string_view name) {
  for (ReportFrequency f :
       {ReportFrequency::kOff, ReportFrequency::kWeekly, ReportFrequency::kMonthly}) {
    if (name == ReportFrequencyName(f)) return f;
  }
  return std::nullopt;
}

const char *AlertBandsName(AlertBands bands) {
  switch (bands) {
    case AlertBands::kDetractors:
      return "detractors";
    case AlertBands::kDetractorsAndPassives:
      return "detractors_and_passives";
    case AlertBands::kAll:
      return "all";
    case AlertBands::kOff:
      break;
  }
  return "off";
}

std::optional<AlertBands> ParseAlertBands(std::string_view name) {
  for (AlertBands b : {AlertBands::kOff, AlertBands::kDetractors,
                       AlertBands::kDetractorsAndPassives, AlertBands::kAll}) {
    if (name == AlertBandsName(b)) return b;
  }
  return std::nullopt;
}

bool AlertsOnScore(AlertBands bands, int score) {
  switch (bands) {
    case AlertBands::kDetractors:
      return score <= 6;
    case AlertBands::kDetractorsAndPassives:
      return score <= 8;
    case AlertBands::kAll:
      return true;
    case AlertBands::kOff:
      break;
  }
  return false;
}

}  // namespace callexa
