#include "store/report_run_store.h"

namespace callexa {

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
