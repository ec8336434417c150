#include "store/report_run_store.h"

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

const char *ReportRunStatusName(ReportRunStatus status) {
  switch (status) {
    case ReportRunStatus::kRetry:
      return "retry";
    case ReportRunStatus::kSent:
      return "sent";
    case ReportRunStatus::kSkipped:
      return "skipped";
    case ReportRunStatus::kFailed:
      return "failed";
    case ReportRunStatus::kDue:
      break;
  }
  return "due";
}

std::optional<ReportRunStatus> ParseReportRunStatus(std::string_view name) {
  for (ReportRunStatus s :
       {ReportRunStatus::kDue, ReportRunStatus::kRetry, ReportRunStatus::kSent,
        ReportRunStatus::kSkipped, ReportRunStatus::kFailed}) {
    if (name == ReportRunStatusName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace callexa
