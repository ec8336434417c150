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

}  // namespace callexa
