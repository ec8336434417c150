// A survey's send window (README "Send windows"): the days of the week and
// the hours in which its survey emails and reminders may go out, in an IANA
// time zone. Mail that falls due outside waits for the next opening and then
// goes out spread over the first hour of it, so that a Monday-morning
// opening is not one burst.
//
// Time zones come from the system's tz database (Debian's tzdata) through
// Howard Hinnant's date/tz (Debian's libdate-tz, built with USE_OS_TZDB):
// no offset rules of our own.
//
// Wall-clock edges:
//   - A local time that does not exist (the hour skipped when clocks go
//     forward, e.g. 02:30 in Europe/Berlin on the last Sunday of March)
//     stands for the first instant after the gap (03:00 local): a window
//     09:00 may open late that day, never not at all, unless its whole span
//     lies in the gap (02:00 to 02:45: that day it is closed).
//   - A local time that exists twice (clocks going back) is the earlier
//     of the two.
//   - "24:00" as the end means the end of that day (the next midnight);
//     windows do not cross midnight: start < end on the same day.
//
// Thread safety: a SendWindow is an immutable value once parsed; the tz
// database is loaded once, on first use, behind a static.
#ifndef CALLEXA_POLICY_SEND_WINDOW_H_
#define CALLEXA_POLICY_SEND_WINDOW_H_

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace callexa {

// Mail deferred to an opening goes out within this long after it.
constexpr int64_t kSendWindowSpreadSeconds = 3600;

class SendWindow {
 public:
  // {"days": ["mon", ...], "start": "09:00", "end": "17:00",
  //  "time_zone": "Europe/Berlin", "use_customer_time_zone": false}:
  // days at least one, no repeats, of mon tue wed thu fri sat sun; start
  // and end 24-hour HH:MM ("00:00" to "23:59"; end also "24:00"), start
  // before end; time_zone required, a name the tz database knows;
  // use_customer_time_zone optional (false). Unknown keys are refused.
  // Errors name the field: "send_window.start must be ...".
  static Result<SendWindow> Parse(const nlohmann::json &v);
  // The stored column's text (as ToJson().dump() wrote it).
  static Result<SendWindow> ParseStored(std::string_view stored);

  // Every key, days in week order.
  nlohmann::json ToJson() const;

  // The time at or after `due_at` when mail may go out: `due_at` itself
  // when the window is open then, else the window's next opening plus a
  // spread in [0, 3600) s derived from `spread_key` (stable per invitation,
  // so a retry or a reload does not move it). A window shorter than an
  // hour spreads over its own length instead, so the time is always inside
  // the window. `customer_time_zone` (the customer's `timezone` trait, may
  // be empty) is used when use_customer_time_zone is set and it names a
  // known zone; otherwise the survey's zone is.
  int64_t NextSendTime(int64_t due_at, const std::string &customer_time_zone,
                       uint64_t spread_key) const;

  // NextSendTime without the spread: the opening itself.
  int64_t NextOpening(int64_t due_at, const std::string &customer_time_zone) const;
  // The end of the window's first span that ends after `t` (the one open
  // at `t`, else the next): the Delays page's second example, mail due just
  // as the window closes. `t` when no window applies.
  int64_t NextClosing(int64_t t, const std::string &customer_time_zone) const;

  // For the Delays page, in the zone NextSendTime uses: "due on Saturday
  // 23:10; sent on Monday between 9:00 and 10:00 Europe/Berlin", or "due on
  // Tuesday 10:30 Europe/Berlin, inside the window: sent then".
  std::string Describe(int64_t due_at, const std::string &customer_time_zone) const;

  // The zone NextSendTime and Describe use for this customer zone.
  std::string ZoneFor(const std::string &customer_time_zone) const;

  const std::array<bool, 7> &days() const { return days_; }  // [0] Monday
  int start_minute() const { return start_minute_; }
  int end_minute() const { return end_minute_; }  // up to 1440 ("24:00")
  const std::string &time_zone() const { return time_zone_; }
  bool use_customer_time_zone() const { return use_customer_time_zone_; }

 private:
  SendWindow() = default;

  std::array<bool, 7> days_{};
  int start_minute_ = 0;
  int end_minute_ = 0;
  std::string time_zone_;
  bool use_customer_time_zone_ = false;
};

// For the claim steps of survey emails and reminders: when mail due `now`
// must wait for its survey's send window, or nullopt to send it now.
// `stored_window` is the surveys.send_window column (empty: none; a stored
// window that no longer parses holds nothing back), `customer_traits` the
// customer's traits JSON (its "timezone" is used when the window asks for
// the customer's zone; may be empty), `spread_key` stable per message (the
// invitation's id).
std::optional<int64_t> SendWindowDeferral(const std::string &stored_window,
                                          const std::string &customer_traits,
                                          uint64_t spread_key, int64_t now);

// Whether the tz database knows `name` (an IANA name such as
// "America/New_York"; the host-dependent "localtime" is refused).
bool IsKnownTimeZone(const std::string &name);

// Every zone name the tz database knows, sorted: the Delays page's choices.
std::vector<std::string> TimeZoneNames();

}  // namespace callexa

#endif  // CALLEXA_POLICY_SEND_WINDOW_H_
