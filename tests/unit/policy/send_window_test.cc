#include "policy/send_window.h"

#include <gtest/gtest.h>

#include <set>

#include "common/time_format.h"

namespace callexa {
namespace {

using nlohmann::json;

int64_t At(const char *iso) {
  const std::optional<int64_t> t = ParseIso8601(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return t.value_or(0);
}

SendWindow Window(const char *text) {
  Result<SendWindow> w = SendWindow::Parse(json::parse(text));
  EXPECT_TRUE(w.ok()) << text << ": " << (w.ok() ? "" : w.status().message());
  return *w;
}

constexpr const char *kBerlinWeekdays =
    R"({"days": ["mon","tue","wed","thu","fri"], "start": "09:00", "end": "17:00",
        "time_zone": "Europe/Berlin"})";

// Spread 0 for the key whose mix is smallest is not guaranteed, so cases
// compare the opening with the spread taken off: NextSendTime - opening must
// lie in [0, 3600).
TEST(SendWindowTest, NextSendTimeTable) {
  const struct {
    const char *window;
    const char *due;
    const char *customer_zone;
    const char *expected;  // the opening; == due when open
    bool open;
  } cases[] = {
      // Inside, at the opening, at the end (exclusive), weekends.
      {kBerlinWeekdays, "2026-12-07T10:00:00Z", "", "2026-12-07T10:00:00Z", true},
      {kBerlinWeekdays, "2026-12-07T08:00:00Z", "", "2026-12-07T08:00:00Z", true},
      {kBerlinWeekdays, "2026-12-07T16:00:00Z", "", "2026-12-08T08:00:00Z", false},
      {kBerlinWeekdays, "2026-12-07T07:59:59Z", "", "2026-12-07T08:00:00Z", false},
      // Saturday 23:10 Berlin: Monday 09:00 CET.
      {kBerlinWeekdays, "2026-12-05T22:10:00Z", "", "2026-12-07T08:00:00Z", false},
      {kBerlinWeekdays, "2026-12-06T12:00:00Z", "", "2026-12-07T08:00:00Z", false},
      // Friday 17:30 Berlin (a week's last day).
      {kBerlinWeekdays, "2026-12-11T16:30:00Z", "", "2026-12-14T08:00:00Z", false},
      // New Year: Thursday 31 December after hours, then Friday 1 January.
      {kBerlinWeekdays, "2026-12-31T17:00:00Z", "", "2027-01-01T08:00:00Z", false},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin"})",
       "2027-01-01T08:00:00Z", "", "2027-01-04T08:00:00Z", false},
      {R"({"days": ["sat","sun"], "start": "10:00", "end": "12:00", "time_zone": "UTC"})",
       "2026-12-30T12:00:00Z", "", "2027-01-02T10:00:00Z", false},
      // Only that weekday: a week later when just missed.
      {R"({"days": ["sat"], "start": "09:00", "end": "10:00", "time_zone": "UTC"})",
       "2026-12-05T10:00:00Z", "", "2026-12-12T09:00:00Z", false},
      // Spring forward: 02:30 does not exist; the first instant after the gap.
      {R"({"days": ["sun"], "start": "02:30", "end": "05:00", "time_zone": "Europe/Berlin"})",
       "2026-03-28T23:00:00Z", "", "2026-03-29T01:00:00Z", false},
      {R"({"days": ["sun"], "start": "02:30", "end": "05:00", "time_zone": "America/New_York"})",
       "2026-03-08T00:00:00Z", "", "2026-03-08T07:00:00Z", false},
      // 03:15 local, right after the gap: open.
      {R"({"days": ["sun"], "start": "02:30", "end": "05:00", "time_zone": "America/New_York"})",
       "2026-03-08T07:15:00Z", "", "2026-03-08T07:15:00Z", true},
      // A window wholly inside the gap is closed that day.
      {R"({"days": ["sun"], "start": "02:00", "end": "02:45", "time_zone": "Europe/Berlin"})",
       "2026-03-28T23:00:00Z", "", "2026-04-05T00:00:00Z", false},
      // Fall back: 02:30 Berlin and 01:30 New York happen twice; the earlier.
      {R"({"days": ["sun"], "start": "02:30", "end": "05:00", "time_zone": "Europe/Berlin"})",
       "2026-10-24T22:00:00Z", "", "2026-10-25T00:30:00Z", false},
      {R"({"days": ["sun"], "start": "01:30", "end": "03:00", "time_zone": "America/New_York"})",
       "2026-11-01T00:00:00Z", "", "2026-11-01T05:30:00Z", false},
      // A normal morning after the change uses the new offset.
      {kBerlinWeekdays, "2026-10-25T12:00:00Z", "", "2026-10-26T08:00:00Z", false},
      {kBerlinWeekdays, "2026-03-29T12:00:00Z", "", "2026-03-30T07:00:00Z", false},
      // "24:00" ends at midnight.
      {R"({"days": ["fri"], "start": "22:00", "end": "24:00", "time_zone": "UTC"})",
       "2026-12-11T23:59:59Z", "", "2026-12-11T23:59:59Z", true},
      {R"({"days": ["fri"], "start": "22:00", "end": "24:00", "time_zone": "UTC"})",
       "2026-12-12T00:00:00Z", "", "2026-12-18T22:00:00Z", false},
      // The customer's zone when asked for and valid; else the survey's.
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin",
           "use_customer_time_zone": true})",
       "2026-12-07T09:00:00Z", "America/New_York", "2026-12-07T14:00:00Z", false},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin",
           "use_customer_time_zone": true})",
       "2026-12-07T09:00:00Z", "Mars/Olympus_Mons", "2026-12-07T09:00:00Z", true},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin",
           "use_customer_time_zone": true})",
       "2026-12-07T09:00:00Z", "", "2026-12-07T09:00:00Z", true},
      // Not asked for: the customer's zone is ignored.
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin"})",
       "2026-12-07T09:00:00Z", "America/New_York", "2026-12-07T09:00:00Z", true},
      // Tokyo's Monday starts on Sunday in UTC.
      {R"({"days": ["mon"], "start": "08:00", "end": "09:00", "time_zone": "Asia/Tokyo"})",
       "2026-12-06T12:00:00Z", "", "2026-12-06T23:00:00Z", false},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(std::string(c.window) + " due " + c.due);
    const SendWindow w = Window(c.window);
    const int64_t due = At(c.due);
    const int64_t opening = At(c.expected);
    EXPECT_EQ(w.NextOpening(due, c.customer_zone), c.open ? due : opening);
    for (uint64_t key : {0ULL, 1ULL, 42ULL, 0xffffffffffffffffULL}) {
      const int64_t t = w.NextSendTime(due, c.customer_zone, key);
      if (c.open) {
        EXPECT_EQ(t, due);
      } else {
        EXPECT_GE(t, opening) << FormatIso8601(t);
        EXPECT_LT(t, opening + kSendWindowSpreadSeconds) << FormatIso8601(t);
      }
    }
  }
}

TEST(SendWindowTest, SpreadIsStableAndCoversTheFirstHour) {
  const SendWindow w = Window(kBerlinWeekdays);
  const int64_t due = At("2026-12-05T22:10:00Z");
  const int64_t opening = At("2026-12-07T08:00:00Z");
  std::set<int64_t> quarters;
  for (uint64_t key = 1; key <= 200; ++key) {
    const int64_t t = w.NextSendTime(due, "", key);
    ASSERT_GE(t, opening);
    ASSERT_LT(t, opening + 3600);
    // Stable: the same key, a later look (a retry, a reload), the same time.
    EXPECT_EQ(w.NextSendTime(due, "", key), t);
    EXPECT_EQ(w.NextSendTime(due + 3600, "", key), t);
    quarters.insert((t - opening) / 900);
  }
  EXPECT_EQ(quarters.size(), 4u);  // neighbouring keys spread over the hour
}

TEST(SendWindowTest, ShortWindowSpreadsWithinItself) {
  const SendWindow w = Window(
      R"({"days": ["mon"], "start": "09:00", "end": "09:10", "time_zone": "UTC"})");
  const int64_t opening = At("2026-12-07T09:00:00Z");
  for (uint64_t key = 0; key < 500; ++key) {
    const int64_t t = w.NextSendTime(At("2026-12-06T00:00:00Z"), "", key);
    ASSERT_GE(t, opening);
    ASSERT_LT(t, opening + 600);
    EXPECT_EQ(w.NextSendTime(t, "", key), t);  // inside the window
  }
}

TEST(SendWindowTest, ParseErrorsNameTheField) {
  const struct {
    const char *json;
    const char *field;
  } cases[] = {
      {R"([])", "send_window must"},
      {R"("09:00")", "send_window must"},
      {R"({"start": "09:00", "end": "17:00", "time_zone": "UTC"})", "send_window.days"},
      {R"({"days": [], "start": "09:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.days"},
      {R"({"days": "mon", "start": "09:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.days"},
      {R"({"days": ["monday"], "start": "09:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.days"},
      {R"({"days": [1], "start": "09:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.days"},
      {R"({"days": ["mon","mon"], "start": "09:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.days"},
      {R"({"days": ["mon","tue","wed","thu","fri","sat","sun","mon"], "start": "09:00",
           "end": "17:00", "time_zone": "UTC"})",
       "send_window.days"},
      {R"({"days": ["mon"], "end": "17:00", "time_zone": "UTC"})", "send_window.start"},
      {R"({"days": ["mon"], "start": "9:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.start"},
      {R"({"days": ["mon"], "start": "24:00", "end": "17:00", "time_zone": "UTC"})",
       "send_window.start"},
      {R"({"days": ["mon"], "start": "09:60", "end": "17:00", "time_zone": "UTC"})",
       "send_window.start"},
      {R"({"days": ["mon"], "start": 900, "end": "17:00", "time_zone": "UTC"})",
       "send_window.start"},
      {R"({"days": ["mon"], "start": "09:00", "time_zone": "UTC"})", "send_window.end"},
      {R"({"days": ["mon"], "start": "09:00", "end": "25:00", "time_zone": "UTC"})",
       "send_window.end"},
      {R"({"days": ["mon"], "start": "09:00", "end": "24:01", "time_zone": "UTC"})",
       "send_window.end"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:0a", "time_zone": "UTC"})",
       "send_window.end"},
      {R"({"days": ["mon"], "start": "17:00", "end": "09:00", "time_zone": "UTC"})",
       "send_window.end"},
      {R"({"days": ["mon"], "start": "09:00", "end": "09:00", "time_zone": "UTC"})",
       "send_window.end"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00"})", "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": ""})",
       "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": 1})",
       "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlln"})",
       "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "localtime"})",
       "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "../etc/passwd"})",
       "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "posix/UTC"})",
       "send_window.time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "UTC",
           "use_customer_time_zone": "yes"})",
       "send_window.use_customer_time_zone"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "UTC",
           "hours": 3})",
       "send_window.hours"},
  };
  for (const auto &c : cases) {
    Result<SendWindow> w = SendWindow::Parse(json::parse(c.json));
    ASSERT_FALSE(w.ok()) << c.json;
    EXPECT_EQ(w.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(w.status().message().find(c.field), std::string::npos)
        << c.json << ": " << w.status().message();
  }
}

TEST(SendWindowTest, RoundTripsThroughItsJson) {
  const SendWindow w = Window(
      R"({"days": ["fri","mon"], "start": "00:00", "end": "24:00",
          "time_zone": "America/New_York", "use_customer_time_zone": true})");
  const json expected = {{"days", {"mon", "fri"}},
                         {"start", "00:00"},
                         {"end", "24:00"},
                         {"time_zone", "America/New_York"},
                         {"use_customer_time_zone", true}};
  EXPECT_EQ(w.ToJson(), expected);
  Result<SendWindow> again = SendWindow::ParseStored(w.ToJson().dump());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), expected);
  EXPECT_FALSE(SendWindow::ParseStored("{not json").ok());
  // Without the flag: false.
  EXPECT_FALSE(Window(R"({"days": ["mon"], "start": "09:00", "end": "10:00",
                          "time_zone": "UTC"})")
                   .use_customer_time_zone());
}

TEST(SendWindowTest, DescribeSaysWhenInTheWindowsZone) {
  const struct {
    const char *window;
    const char *due;
    const char *customer_zone;
    const char *sentence;
  } cases[] = {
      {kBerlinWeekdays, "2026-12-05T22:10:00Z", "",
       "due on Saturday 23:10; sent on Monday between 9:00 and 10:00 Europe/Berlin"},
      {kBerlinWeekdays, "2026-12-07T06:00:00Z", "",
       "due on Monday 7:00; sent the same day between 9:00 and 10:00 Europe/Berlin"},
      {kBerlinWeekdays, "2026-12-07T20:00:00Z", "",
       "due on Monday 21:00; sent the next day, Tuesday, between 9:00 and 10:00 "
       "Europe/Berlin"},
      {kBerlinWeekdays, "2026-12-07T10:30:00Z", "",
       "due on Monday 11:30 Europe/Berlin, inside the window: sent then"},
      {R"({"days": ["mon"], "start": "09:00", "end": "09:30", "time_zone": "UTC"})",
       "2026-12-07T10:00:00Z", "",
       "due on Monday 10:00; sent on Monday a week later between 9:00 and 9:30 UTC"},
      {R"({"days": ["sun"], "start": "02:30", "end": "05:00", "time_zone": "Europe/Berlin"})",
       "2026-03-28T23:00:00Z", "",
       "due on Sunday 0:00; sent the same day between 3:00 and 4:00 Europe/Berlin"},
      {R"({"days": ["fri"], "start": "23:30", "end": "24:00", "time_zone": "UTC"})",
       "2026-12-11T12:00:00Z", "",
       "due on Friday 12:00; sent the same day between 23:30 and 24:00 UTC"},
      {R"({"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin",
           "use_customer_time_zone": true})",
       "2026-12-05T22:10:00Z", "America/New_York",
       "due on Saturday 17:10; sent on Monday between 9:00 and 10:00 America/New_York"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(Window(c.window).Describe(At(c.due), c.customer_zone), c.sentence)
        << c.window << " due " << c.due;
  }
}

TEST(SendWindowTest, DeferralFromTheStoredColumns) {
  const std::string window =
      R"({"days":["mon"],"end":"17:00","start":"09:00","time_zone":"Europe/Berlin",)"
      R"("use_customer_time_zone":true})";
  const int64_t saturday = At("2026-12-05T22:10:00Z");
  EXPECT_FALSE(SendWindowDeferral("", "{}", 1, saturday).has_value());
  EXPECT_FALSE(SendWindowDeferral("{broken", "{}", 1, saturday).has_value());
  EXPECT_FALSE(
      SendWindowDeferral(window, "{}", 1, At("2026-12-07T09:00:00Z")).has_value());
  const struct {
    const char *traits;
    const char *opening;
  } cases[] = {
      {"{}", "2026-12-07T08:00:00Z"},
      {"", "2026-12-07T08:00:00Z"},
      {"not json", "2026-12-07T08:00:00Z"},
      {R"({"timezone": 5})", "2026-12-07T08:00:00Z"},
      {R"({"timezone": "Nowhere/Town"})", "2026-12-07T08:00:00Z"},
      {R"({"timezone": "America/New_York", "plan": "pro"})", "2026-12-07T14:00:00Z"},
  };
  for (const auto &c : cases) {
    const std::optional<int64_t> at = SendWindowDeferral(window, c.traits, 7, saturday);
    ASSERT_TRUE(at.has_value()) << c.traits;
    EXPECT_GE(*at, At(c.opening)) << c.traits;
    EXPECT_LT(*at, At(c.opening) + 3600) << c.traits;
  }
}

TEST(SendWindowTest, NextClosing) {
  const SendWindow w = Window(kBerlinWeekdays);
  // Open on Monday 10:00 Berlin: closes at 17:00; on Saturday: Monday's end.
  EXPECT_EQ(w.NextClosing(At("2026-12-07T09:00:00Z"), ""), At("2026-12-07T16:00:00Z"));
  EXPECT_EQ(w.NextClosing(At("2026-12-05T12:00:00Z"), ""), At("2026-12-07T16:00:00Z"));
  EXPECT_EQ(w.NextClosing(At("2026-12-07T16:00:00Z"), ""), At("2026-12-08T16:00:00Z"));
}

TEST(SendWindowTest, TimeZoneNamesComeFromTheDatabase) {
  EXPECT_TRUE(IsKnownTimeZone("Europe/Berlin"));
  EXPECT_TRUE(IsKnownTimeZone("UTC"));
  EXPECT_FALSE(IsKnownTimeZone(""));
  EXPECT_FALSE(IsKnownTimeZone("localtime"));
  EXPECT_FALSE(IsKnownTimeZone("Europe/Nowhere"));
  const std::vector<std::string> names = TimeZoneNames();
  EXPECT_GT(names.size(), 300u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "America/New_York"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "localtime"), names.end());
}

}  // namespace
}  // namespace callexa
