#include "policy/send_window.h"

// Debian's libdate-tz is built with these (its CMake package says so); the
// header must agree with the library it links to.
#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif
#ifndef ONLY_C_LOCALE
#define ONLY_C_LOCALE 1
#endif
#ifndef HAS_STRING_VIEW
#define HAS_STRING_VIEW 1
#endif
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>

namespace callexa {
namespace {

using nlohmann::json;

constexpr const char *kDayKeys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char *kDayNames[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};
constexpr int kMinutesPerDay = 24 * 60;
// How far ahead an opening is looked for: a week, and another for a day
// whose whole window fell into a daylight-saving gap.
constexpr int kDaysAhead = 15;

const date::time_zone *FindZone(const std::string &name) {
  if (name.empty() || name.size() > 64 || name == "localtime") return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception &) {  // unknown, or no tz database at all
    return nullptr;
  }
}

// "HH:MM" as minutes since midnight; "24:00" only when `end`.
std::optional<int> ParseClock(const json &v, bool end) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const int hours = (s[0] - '0') * 10 + (s[1] - '0');
  const int minutes = (s[3] - '0') * 10 + (s[4] - '0');
  if (minutes > 59) return std::nullopt;
  if (hours == 24 && minutes == 0 && end) return kMinutesPerDay;
  if (hours > 23) return std::nullopt;
  return hours * 60 + minutes;
}

std::string FormatClock(int minutes) {
  char buf[16];  // room for any int, so GCC can prove no truncation
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

// SplitMix64's finaliser: neighbouring keys (invitation ids) land far apart
// in the spread.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Span {
  int64_t open;
  int64_t close;  // exclusive
};

// A local wall-clock time as an instant: a time in a gap is the first
// instant after it, an ambiguous one the earlier (see the header).
int64_t ToSys(const date::time_zone *zone, date::local_seconds t) {
  return zone->to_sys(t, date::choose::earliest).time_since_epoch().count();
}

date::local_seconds ToLocal(const date::time_zone *zone, int64_t t) {
  return zone->to_local(date::sys_seconds{std::chrono::seconds{t}});
}

// "Saturday 23:10" / "9:00": hours without a leading zero, as people write.
std::string FormatTime(date::local_seconds t) {
  const date::local_days day = date::floor<date::days>(t);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(t - day).count();
  char buf[8];
  std::snprintf(buf, sizeof buf, "%d:%02d", int(minutes / 60), int(minutes % 60));
  return buf;
}

const char *DayName(date::local_days day) {
  return kDayNames[date::weekday(day).iso_encoding() - 1];
}

}  // namespace

Result<SendWindow> SendWindow::Parse(const json &v) {
  if (!v.is_object()) {
    return Status::InvalidArgument(
        "send_window must be a JSON object with days, start, end and time_zone, or null");
  }
  SendWindow w;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string &key = it.key();
    if (key != "days" && key != "start" && key != "end" && key != "time_zone" &&
        key != "use_customer_time_zone") {
      return Status::InvalidArgument("unknown field \"send_window." + key + "\"");
    }
  }
  const json &days = v.contains("days") ? v["days"] : json();
  if (!days.is_array() || days.empty() || days.size() > 7) {
    return Status::InvalidArgument(
        "send_window.days must be a list of one to seven of mon, tue, wed, thu, fri, "
        "sat, sun");
  }
  for (const json &day : days) {
    const std::string name = day.is_string() ? day.get<std::string>() : "";
    const auto found = std::find(std::begin(kDayKeys), std::end(kDayKeys), name);
    if (found == std::end(kDayKeys)) {
      return Status::InvalidArgument(
          "send_window.days must name days as mon, tue, wed, thu, fri, sat or sun");
    }
    bool &on = w.days_[found - std::begin(kDayKeys)];
    if (on) return Status::InvalidArgument("send_window.days names " + name + " twice");
    on = true;
  }
  const auto start = ParseClock(v.contains("start") ? v["start"] : json(), false);
  if (!start) {
    return Status::InvalidArgument(
        "send_window.start must be a time of day as HH:MM, 00:00 to 23:59");
  }
  const auto end = ParseClock(v.contains("end") ? v["end"] : json(), true);
  if (!end) {
    return Status::InvalidArgument(
        "send_window.end must be a time of day as HH:MM, 00:01 to 24:00");
  }
  if (*end <= *start) {
    return Status::InvalidArgument(
        "send_window.end must be after send_window.start (a window cannot cross "
        "midnight)");
  }
  w.start_minute_ = *start;
  w.end_minute_ = *end;
  const json zone = v.contains("time_zone") ? v["time_zone"] : json();
  if (!zone.is_string() || zone.get<std::string>().empty()) {
    return Status::InvalidArgument(
        "send_window.time_zone must be an IANA time zone name such as Europe/Berlin");
  }
  w.time_zone_ = zone.get<std::string>();
  if (!IsKnownTimeZone(w.time_zone_)) {
    return Status::InvalidArgument(
        "send_window.time_zone is not a time zone the tz database knows (IANA names "
        "such as Europe/Berlin or America/New_York)");
  }
  if (v.contains("use_customer_time_zone")) {
    const json &use = v["use_customer_time_zone"];
    if (!use.is_boolean()) {
      return Status::InvalidArgument(
          "send_window.use_customer_time_zone must be true or false");
    }
    w.use_customer_time_zone_ = use.get<bool>();
  }
  return w;
}

Result<SendWindow> SendWindow::ParseStored(std::string_view stored) {
  const json parsed = json::parse(stored, nullptr, false);
  if (parsed.is_discarded()) return Status::InvalidArgument("send_window is not JSON");
  return Parse(parsed);
}

json SendWindow::ToJson() const {
  json days = json::array();
  for (int i = 0; i < 7; ++i) {
    if (days_[i]) days.push_back(kDayKeys[i]);
  }
  return {{"days", std::move(days)},
          {"start", FormatClock(start_minute_)},
          {"end", FormatClock(end_minute_)},
          {"time_zone", time_zone_},
          {"use_customer_time_zone", use_customer_time_zone_}};
}

std::string SendWindow::ZoneFor(const std::string &customer_time_zone) const {
  if (use_customer_time_zone_ && IsKnownTimeZone(customer_time_zone)) {
    return customer_time_zone;
  }
  return time_zone_;
}

namespace {

// The first span of `w` in `zone` that ends after `t`, if any within
// kDaysAhead days.
std::optional<Span> NextSpan(const SendWindow &w, const date::time_zone *zone,
                             int64_t t) {
  const date::local_days today = date::floor<date::days>(ToLocal(zone, t));
  for (int i = 0; i < kDaysAhead; ++i) {
    const date::local_days day = today + date::days{i};
    if (!w.days()[date::weekday(day).iso_encoding() - 1]) continue;
    const Span span{ToSys(zone, day + std::chrono::minutes{w.start_minute()}),
                    ToSys(zone, day + std::chrono::minutes{w.end_minute()})};
    // Empty when the whole window lies in a daylight-saving gap.
    if (span.open < span.close && t < span.close) return span;
  }
  return std::nullopt;
}

}  // namespace

int64_t SendWindow::NextSendTime(int64_t due_at, const std::string &customer_time_zone,
                                 uint64_t spread_key) const {
  const date::time_zone *zone = FindZone(ZoneFor(customer_time_zone));
  // A zone the database no longer knows (tzdata changed under a stored
  // window): mail goes out rather than waiting forever.
  if (zone == nullptr) return due_at;
  const std::optional<Span> span = NextSpan(*this, zone, due_at);
  if (!span) return due_at;
  if (due_at >= span->open) return due_at;
  const int64_t spread = std::min(kSendWindowSpreadSeconds, span->close - span->open);
  return span->open + static_cast<int64_t>(Mix(spread_key) % uint64_t(spread));
}

int64_t SendWindow::NextOpening(int64_t due_at,
                                const std::string &customer_time_zone) const {
  const date::time_zone *zone = FindZone(ZoneFor(customer_time_zone));
  if (zone == nullptr) return due_at;
  const std::optional<Span> span = NextSpan(*this, zone, due_at);
  return span ? std::max(due_at, span->open) : due_at;
}

int64_t SendWindow::NextClosing(int64_t t, const std::string &customer_time_zone) const {
  const date::time_zone *zone = FindZone(ZoneFor(customer_time_zone));
  if (zone == nullptr) return t;
  const std::optional<Span> span = NextSpan(*this, zone, t);
  return span ? span->close : t;
}

std::string SendWindow::Describe(int64_t due_at,
                                 const std::string &customer_time_zone) const {
  const std::string name = ZoneFor(customer_time_zone);
  const date::time_zone *zone = FindZone(name);
  if (zone == nullptr) return "the time zone " + name + " is unknown: mail is not held";
  const date::local_seconds due = ToLocal(zone, due_at);
  const date::local_days due_day = date::floor<date::days>(due);
  const std::string due_text =
      std::string("due on ") + DayName(due_day) + " " + FormatTime(due);
  const std::optional<Span> span = NextSpan(*this, zone, due_at);
  if (!span || due_at >= span->open) {
    return due_text + " " + name + ", inside the window: sent then";
  }
  const int64_t spread = std::min(kSendWindowSpreadSeconds, span->close - span->open);
  const date::local_seconds open = ToLocal(zone, span->open);
  const date::local_seconds until = ToLocal(zone, span->open + spread);
  const date::local_days open_day = date::floor<date::days>(open);
  std::string when;
  const auto ahead = (open_day - due_day).count();
  if (ahead == 0) {
    when = "the same day";
  } else if (ahead == 1) {
    when = std::string("the next day, ") + DayName(open_day) + ",";
  } else if (ahead >= 7) {
    when = std::string("on ") + DayName(open_day) + " a week later";
  } else {
    when = std::string("on ") + DayName(open_day);
  }
  // A window ending at 24:00 ends at the next midnight.
  const std::string until_text =
      date::floor<date::days>(until) != open_day ? "24:00" : FormatTime(until);
  return due_text + "; sent " + when + " between " + FormatTime(open) + " and " +
         until_text + " " + name;
}

std::optional<int64_t> SendWindowDeferral(const std::string &stored_window,
                                          const std::string &customer_traits,
                                          uint64_t spread_key, int64_t now) {
  if (stored_window.empty()) return std::nullopt;
  const Result<SendWindow> window = SendWindow::ParseStored(stored_window);
  if (!window.ok()) return std::nullopt;
  std::string customer_zone;
  if (window->use_customer_time_zone()) {
    const json traits = json::parse(customer_traits, nullptr, false);
    if (traits.is_object() && traits.contains("timezone") &&
        traits["timezone"].is_string()) {
      customer_zone = traits["timezone"].get<std::string>();
    }
  }
  const int64_t at = window->NextSendTime(now, customer_zone, spread_key);
  if (at <= now) return std::nullopt;
  return at;
}

bool IsKnownTimeZone(const std::string &name) { return FindZone(name) != nullptr; }

std::vector<std::string> TimeZoneNames() {
  std::vector<std::string> names;
  try {
    for (const date::time_zone &zone : date::get_tzdb().zones) {
      if (zone.name() != "localtime") names.push_back(zone.name());
    }
  } catch (const std::exception &) {  // no tz database: no choices
    names.clear();
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace callexa
