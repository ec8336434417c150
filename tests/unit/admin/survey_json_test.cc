#include "admin/survey_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace callexa {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

Survey SampleSurvey() {
  Survey s;
  s.id = 7;
  s.public_id = "0123456789abcdef";
  s.api_key = "ck_" + std::string(40, 'a');
  s.name = "NPS";
  s.policy.min_delay_days = 3;
  s.policy.max_delay_days = 14;
  s.policy.automation = true;
  s.created_at = kNow;
  s.updated_at = kNow + 60;
  return s;
}

TEST(SurveyJsonTest, SurveyToJson) {
  Survey s = SampleSurvey();
  json got = SurveyToJson(s);
  EXPECT_EQ(got["content"]["subject"], "");  // the owner's values, not defaults
  EXPECT_EQ(got["content"]["tags"], json::array());
  got.erase("content");
  EXPECT_EQ(got, json::parse(R"({
      "id": 7, "public_id": "0123456789abcdef",
      "api_key": "ck_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "name": "NPS",
      "min_delay_days": 3, "max_delay_days": 14, "resurvey_interval_days": 182,
      "automation": true, "segment_write_key": "", "monthly_budget": null,
      "embed_origins": [], "retention_months": null, "archived_at": null,
      "report_frequency": "off", "report_recipients": [],
      "alerts": {"on": "off", "recipients": []}, "reply_to": "",
      "reminder_after_days": null, "send_window": null,
      "created_at": "2026-11-28T10:00:00Z", "updated_at": "2026-11-28T10:01:00Z"})"));
  s.policy.monthly_budget = 0;  // zero is a budget, not "none"
  EXPECT_EQ(SurveyToJson(s)["monthly_budget"], 0);
}

TEST(SurveyJsonTest, CustomerToJson) {
  CustomerView c;
  c.id = 3;
  c.email = "ann@example.com";
  c.first_seen_at = kNow;
  c.last_seen_at = kNow + 60;
  c.state = "ignored";
  c.reason = "too_old";
  json got = CustomerToJson(c);
  EXPECT_EQ(got["email"], "ann@example.com");
  EXPECT_TRUE(got["created_at"].is_null());
  EXPECT_TRUE(got["due_at"].is_null());
  EXPECT_EQ(got["first_seen_at"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(got["last_seen_at"], "2026-11-28T10:01:00Z");
  EXPECT_EQ(got["state"], "ignored");
  EXPECT_EQ(got["reason"], "too_old");
  EXPECT_EQ(got["invitations"], json::array());

  c.created_at = kNow - 86400;
  c.state = "sent";
  c.reason.clear();
  InvitationView sent;
  sent.id = 9;
  sent.status = InvitationStatus::kSent;
  sent.due_at = kNow;
  sent.created_at = kNow - 3 * 86400;
  sent.sent_at = kNow + 5;
  c.invitations.push_back(sent);
  got = CustomerToJson(c);
  EXPECT_EQ(got["created_at"], "2026-11-27T10:00:00Z");
  EXPECT_TRUE(got["reason"].is_null());  // an empty reason is null
  EXPECT_EQ(got["invitations"], json::parse(R"([{
      "id": 9, "status": "sent", "due_at": "2026-11-28T10:00:00Z",
      "created_at": "2026-11-25T10:00:00Z", "sent_at": "2026-11-28T10:00:05Z",
      "answered_at": null, "last_error": "", "next_attempt_at": null,
      "reminder": null}])"));
  c.invitations[0].reminder_status = ReminderStatus::kSent;
  c.invitations[0].reminder_sent_at = kNow + 3 * 86400;
  EXPECT_EQ(CustomerToJson(c)["invitations"][0]["reminder"], json::parse(R"({
      "status": "sent", "sent_at": "2026-12-01T10:00:00Z", "last_error": ""})"));
}

TEST(SurveyJsonTest, ApplySurveySettingsAcceptsValidValues) {
  const std::string key200(200, 'k');
  const struct {
    json patch;
    const char *field;
    json want;  // the field in SurveyToJson afterwards
  } cases[] = {
      {{{"name", "Renamed"}}, "name", "Renamed"},
      {{{"name", std::string(200, 'n')}}, "name", std::string(200, 'n')},
      {{{"min_delay_days", 0}}, "min_delay_days", 0},
      {{{"min_delay_days", 14}}, "min_delay_days", 14},  // max 14 still >= min
      {{{"max_delay_days", 0}}, "max_delay_days", 0},    // 0 is always allowed
      {{{"max_delay_days", 3650}}, "max_delay_days", 3650},
      {{{"min_delay_days", 20}, {"max_delay_days", 0}}, "min_delay_days", 20},
      {{{"resurvey_interval_days", 0}}, "resurvey_interval_days", 0},
      {{{"automation", false}}, "automation", false},
      {{{"monthly_budget", 0}}, "monthly_budget", 0},
      {{{"monthly_budget", 100000000}}, "monthly_budget", 100000000},
      {{{"monthly_budget", nullptr}}, "monthly_budget", nullptr},
      {{{"segment_write_key", key200}}, "segment_write_key", key200},
      {{{"segment_write_key", nullptr}}, "segment_write_key", ""},
      {{{"reminder_after_days", 1}}, "reminder_after_days", 1},
      {{{"reminder_after_days", 30}}, "reminder_after_days", 30},
      {{{"reminder_after_days", nullptr}}, "reminder_after_days", nullptr},
      {json::object(), "name", "NPS"},
  };
  for (const auto &c : cases) {
    Survey s = SampleSurvey();
    s.policy.monthly_budget = 5;
    s.segment_write_key = "wk";
    const Status st = ApplySurveySettings(c.patch, &s);
    ASSERT_TRUE(st.ok()) << c.patch << ": " << st.message();
    EXPECT_EQ(SurveyToJson(s)[c.field], c.want) << c.patch;
  }
}

TEST(SurveyJsonTest, ApplySurveySettingsRejectsAndLeavesSurveyUnchanged) {
  const struct {
    json patch;
    const char *message;
  } cases[] = {
      {json::array(), "body must be a JSON object"},
      {"name", "body must be a JSON object"},
      {{{"nickname", "x"}}, "unknown field \"nickname\""},
      {{{"api_key", "ck_x"}}, "api_key is read-only"},
      {{{"updated_at", 0}}, "updated_at is read-only"},
      {{{"name", nullptr}}, "name must be a string"},
      {{{"name", std::string(201, 'n')}}, "name must have 1 to 200 bytes"},
      {{{"min_delay_days", nullptr}}, "min_delay_days must be an integer"},
      {{{"min_delay_days", true}}, "min_delay_days must be an integer"},
      {{{"max_delay_days", 3651}}, "max_delay_days must be between 0 and 3650"},
      {{{"resurvey_interval_days", -1}},
       "resurvey_interval_days must be between 0 and 3650"},
      {{{"automation", 1}}, "automation must be true or false"},
      {{{"monthly_budget", 100000001}}, "monthly_budget must be between 0 and 100000000"},
      {{{"monthly_budget", "10"}}, "monthly_budget must be an integer"},
      {{{"segment_write_key", std::string(201, 'k')}},
       "segment_write_key must be a string of at most 200 bytes"},
      {{{"reminder_after_days", 0}}, "reminder_after_days must be between 1 and 30"},
      {{{"reminder_after_days", 31}}, "reminder_after_days must be between 1 and 30"},
      {{{"reminder_after_days", 2.5}}, "reminder_after_days must be an integer"},
      {{{"reminder_after_days", "3"}}, "reminder_after_days must be an integer"},
      {{{"min_delay_days", 15}}, "max_delay_days must be 0 or at least min_delay_days"},
      {{{"max_delay_days", 2}}, "max_delay_days must be 0 or at least min_delay_days"},
      // Valid fields before the bad one are not applied either.
      {{{"automation", false}, {"name", "Changed"}, {"zzz", 1}}, "unknown field \"zzz\""},
  };
  for (const auto &c : cases) {
    Survey s = SampleSurvey();
    const json before = SurveyToJson(s);
    const Status st = ApplySurveySettings(c.patch, &s);
    ASSERT_FALSE(st.ok()) << c.patch;
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << c.patch;
    EXPECT_EQ(st.message(), c.message) << c.patch;
    EXPECT_EQ(SurveyToJson(s), before) << c.patch;
  }
}

}  // namespace
}  // namespace callexa
