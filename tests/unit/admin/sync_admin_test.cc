#include "admin/sync_admin.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "admin/admin_api.h"
#include "testing/sync_fixture.h"

namespace callexa {
namespace {

using nlohmann::json;

class SyncAdminTest : public SyncFixture {
 protected:
  json Call(const std::string &method, int64_t survey, int want_status) {
    HttpRequest r;
    r.method = method;
    r.path = "api/surveys/" + std::to_string(survey) + "/sync";
    r.content_type = "application/json";
    r.host = "admin.example";
    AdminApi api(store_);
    const HttpResponse resp = api.Handle(r, kNow);
    EXPECT_EQ(resp.status, want_status) << method << " " << resp.body;
    json body = json::parse(resp.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << resp.body;
    return body;
  }
};

TEST_F(SyncAdminTest, StatusOfANewSurvey) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  const json st = Call("GET", survey, 200);
  EXPECT_EQ(st["survey_id"], survey);
  EXPECT_EQ(st["enabled"], true);
  EXPECT_EQ(st["running"], false);
  EXPECT_EQ(st["pending"], 1);
  EXPECT_EQ(st["messages_sent"], 0);
  EXPECT_EQ(st["requests_made"], 0);
  EXPECT_TRUE(st["last_run_started_at"].is_null());
  EXPECT_TRUE(st["last_success_at"].is_null());
  EXPECT_TRUE(st["next_run_at"].is_null());  // due now
  EXPECT_EQ(st["last_error"], "");
}

TEST_F(SyncAdminTest, StatusShowsProgressAndErrors) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  auto work = store_->ClaimSyncWork(kNow, "w", 60, 10);
  ASSERT_TRUE(work.ok() && *work);
  SyncStepRecord r;
  r.survey_id = survey;
  r.outcome = SyncStepRecord::Outcome::kRetry;
  r.requests_made = 1;
  r.next_run_at = kNow + 30;
  r.error = "HTTP 503 from Segment";
  ASSERT_TRUE(store_->FinishSyncStep(r, "w", kNow).ok());
  const json st = Call("GET", survey, 200);
  EXPECT_EQ(st["running"], true);
  EXPECT_EQ(st["last_run_started_at"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(st["next_run_at"], "2026-11-28T10:00:30Z");
  EXPECT_EQ(st["requests_made"], 1);
  EXPECT_EQ(st["failures"], 1);
  EXPECT_EQ(st["last_error"], "HTTP 503 from Segment");
}

TEST_F(SyncAdminTest, PostRequestsARun) {
  const int64_t survey = NewSurvey();
  const json st = Call("POST", survey, 202);
  EXPECT_EQ(st["run_requested"], true);
  EXPECT_EQ(Call("GET", survey, 200)["run_requested"], true);
}

TEST_F(SyncAdminTest, ErrorsForUnknownSurveyMissingKeyAndWrongMethod) {
  EXPECT_NE(Call("GET", 99, 404)["message"].get<std::string>().find("not found"),
            std::string::npos);
  Call("POST", 99, 404);
  const int64_t no_key = NewSurvey("");
  EXPECT_EQ(Call("GET", no_key, 200)["enabled"], false);
  EXPECT_NE(
      Call("POST", no_key, 409)["message"].get<std::string>().find("segment_write_key"),
      std::string::npos);
  Call("DELETE", no_key, 405);
}

}  // namespace
}  // namespace callexa
