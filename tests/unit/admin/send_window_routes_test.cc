// The send window as a survey setting (PATCH/GET api/surveys/{id}) and the
// Delays page's example (GET api/surveys/{id}/send-window).
#include "admin/send_window_routes.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/admin_fixture.h"

namespace callexa {
namespace {

// kAdminTestNow, 2026-11-28T10:00:00Z, is a Saturday.
class SendWindowRoutesTest : public AdminApiFixture {
 protected:
  void SetUp() override {
    AdminApiFixture::SetUp();
    path_ = SurveyPath(CreateSurvey());
  }

  static HttpRequest Request(std::string method, std::string path, std::string body = "",
                             std::string query = "") {
    return AdminRequest(std::move(method), std::move(path), std::move(body),
                        std::move(query));
  }

  std::string path_;
};

TEST_F(SendWindowRoutesTest, PatchStoresGetReturnsNullClears) {
  EXPECT_TRUE(Call(Request("GET", path_), 200)["send_window"].is_null());
  const json patched = Call(Request("PATCH", path_,
                                    R"({"send_window": {"days": ["fri","mon"],
                                        "start": "09:00", "end": "17:00",
                                        "time_zone": "Europe/Berlin"}})"),
                            200);
  const json expected = {{"days", {"mon", "fri"}},
                         {"start", "09:00"},
                         {"end", "17:00"},
                         {"time_zone", "Europe/Berlin"},
                         {"use_customer_time_zone", false}};
  EXPECT_EQ(patched["send_window"], expected);
  EXPECT_EQ(Call(Request("GET", path_), 200)["send_window"], expected);
  // Another setting leaves it alone; a duplicate keeps it.
  Call(Request("PATCH", path_, R"({"name":"Renamed"})"), 200);
  EXPECT_EQ(Call(Request("GET", path_), 200)["send_window"], expected);
  EXPECT_EQ(Call(Request("POST", path_ + "/duplicate", "{}"), 201)["send_window"],
            expected);

  EXPECT_TRUE(
      Call(Request("PATCH", path_, R"({"send_window": null})"), 200)["send_window"]
          .is_null());
  EXPECT_TRUE(Call(Request("GET", path_), 200)["send_window"].is_null());
}

TEST_F(SendWindowRoutesTest, BadWindowsAre400sNamingTheFieldAndChangeNothing) {
  Call(Request("PATCH", path_,
               R"({"send_window": {"days": ["mon"], "start": "09:00", "end": "17:00",
                   "time_zone": "UTC"}})"),
       200);
  const struct {
    const char *body;
    const char *field;
  } cases[] = {
      {R"({"send_window": "mon 9-17"})", "send_window must"},
      {R"({"send_window": {"days": [], "start": "09:00", "end": "17:00",
          "time_zone": "UTC"}})",
       "send_window.days"},
      {R"({"send_window": {"days": ["mon"], "start": "9am", "end": "17:00",
          "time_zone": "UTC"}})",
       "send_window.start"},
      {R"({"send_window": {"days": ["mon"], "start": "09:00", "end": "08:00",
          "time_zone": "UTC"}})",
       "send_window.end"},
      {R"({"send_window": {"days": ["mon"], "start": "09:00", "end": "17:00",
          "time_zone": "Europe/Atlantis"}})",
       "send_window.time_zone"},
      {R"({"send_window": {"days": ["mon"], "start": "09:00", "end": "17:00",
          "time_zone": "UTC", "use_customer_time_zone": 1}})",
       "send_window.use_customer_time_zone"},
  };
  for (const auto &c : cases) {
    const json error = Call(Request("PATCH", path_, c.body), 400);
    EXPECT_NE(error["message"].get<std::string>().find(c.field), std::string::npos)
        << error;
  }
  EXPECT_EQ(Call(Request("GET", path_), 200)["send_window"]["time_zone"], "UTC");
}

TEST_F(SendWindowRoutesTest, ExampleSentenceFromTheServersTzDatabase) {
  const json none = Call(Request("GET", path_ + "/send-window"), 200);
  EXPECT_TRUE(none["window"].is_null());
  EXPECT_TRUE(none["example"].is_null());
  EXPECT_GT(none["time_zones"].size(), 300u);

  Call(Request("PATCH", path_,
               R"({"send_window": {"days": ["mon","tue","wed","thu","fri"],
                   "start": "09:00", "end": "17:00", "time_zone": "Europe/Berlin",
                   "use_customer_time_zone": true}})"),
       200);
  // Default due: now, Saturday 11:00 in Berlin.
  const json now = Call(Request("GET", path_ + "/send-window"), 200);
  EXPECT_EQ(now["example"]["due_at"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(now["example"]["send_at"], "2026-11-30T08:00:00Z");
  EXPECT_EQ(now["example"]["sentence"],
            "due on Saturday 11:00; sent on Monday between 9:00 and 10:00 Europe/Berlin");
  EXPECT_EQ(now["at_closing"]["due_at"], "2026-11-30T16:00:00Z");  // Monday's end
  const json monday =
      Call(Request("GET", path_ + "/send-window", "", "due=2026-11-30T09:00:00Z"), 200);
  EXPECT_EQ(monday["example"]["sentence"],
            "due on Monday 10:00 Europe/Berlin, inside the window: sent then");
  EXPECT_EQ(monday["at_closing"]["sentence"],
            "due on Monday 17:00; sent the next day, Tuesday, between 9:00 and 10:00 "
            "Europe/Berlin");

  const json ny = Call(Request("GET", path_ + "/send-window", "",
                               "due=2026-11-28T22:10:00Z&time_zone=America/New_York"),
                       200);
  EXPECT_EQ(ny["example"]["time_zone"], "America/New_York");
  EXPECT_EQ(ny["example"]["sentence"],
            "due on Saturday 17:10; sent on Monday between 9:00 and 10:00 "
            "America/New_York");

  Call(Request("GET", path_ + "/send-window", "", "due=yesterday"), 400);
  Call(Request("GET", path_ + "/send-window", "", "time_zone=Nowhere/City"), 400);
  Call(Request("POST", path_ + "/send-window", "{}"), 405);
  Call(Request("GET", "api/surveys/999/send-window"), 404);
}

}  // namespace
}  // namespace callexa
