#include "model/reminder.h"

namespace callexa {
namespace {

constexpr ReminderStatus kAllStatuses[] = {
    ReminderStatus::kQueued, ReminderStatus::kSending, ReminderStatus::kRetry,
    ReminderStatus::kSent,   ReminderStatus::kFailed,  ReminderStatus::kSkipped,
};

}  // namespace

const char *ReminderStatusName(ReminderStatus status) {
  switch (status) {
    case ReminderStatus::kQueued:
      return "queued";
    case ReminderStatus::kSending:
      return "sending";
    case ReminderStatus::kRetry:
      return "retry";
    case ReminderStatus::kSent:
      return "sent";
    case ReminderStatus::kFailed:
      return "failed";
    case ReminderStatus::kSkipped:
      return "skipped";
  }
  return "failed";
}

std::optional<ReminderStatus> ParseReminderStatus(std::string_view name) {
  for (ReminderStatus s : kAllStatuses) {
    if (name == ReminderStatusName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace callexa
