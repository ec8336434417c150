#include "policy/customer_reason.h"

#include "common/time_format.h"

namespace callexa {
namespace {

std::string Days(int64_t n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

// "today", "1 day ago", "40 days ago".
std::string Ago(int64_t then, int64_t now) {
  const int64_t days = then < now ? (now - then) / kSecondsPerDay : 0;
  return days == 0 ? "today" : Days(days) + " ago";
}

std::string DateOf(int64_t t) { return FormatIso8601(t).substr(0, 10); }

}  // namespace

std::string ExplainSkipReason(std::string_view reason, const SurveyPolicy &policy,
                              const ReasonFacts &facts, int64_t now) {
  if (reason.empty()) return "";
  if (reason == "recently_surveyed") {
    const std::string interval =
        "within the " + std::to_string(policy.resurvey_interval_days) + "-day interval";
    if (!facts.last_surveyed_at) return "surveyed " + interval;
    const int64_t next =
        *facts.last_surveyed_at + policy.resurvey_interval_days * kSecondsPerDay;
    std::string out = "surveyed " + Ago(*facts.last_surveyed_at, now);
    return next > now ? out + "; next possible on " + DateOf(next)
                      : out + "; may be surveyed at the next identify";
  }
  if (reason == "too_old") {
    const std::string window =
        policy.max_delay_days > 0
            ? "beyond the " + std::to_string(policy.max_delay_days) + "-day window"
            : "beyond the window for new customers";
    if (!facts.created_at) return "signed up " + window;
    return "joined " + Ago(*facts.created_at, now) + ", " + window;
  }
  if (reason == "automation_off") return "the automation was off when they arrived";
  if (reason == "unsubscribed") return "unsubscribed from survey emails";
  if (reason == "bounced") return "their address bounced: never emailed again";
  if (reason == "over_budget") {
    return policy.monthly_budget
               ? "the monthly budget of " + std::to_string(*policy.monthly_budget) +
                     " invitations was used up"
               : "the monthly budget was used up";
  }
  return std::string(reason);
}

}  // namespace callexa
