// The admin API over a fresh SQLite store in a temporary folder, as the
// admin unit tests drive it: requests as the admin page sends them, and
// calls that check the status and parse the JSON answer.
#ifndef CALLEXA_TESTS_UNIT_TESTING_ADMIN_FIXTURE_H_
#define CALLEXA_TESTS_UNIT_TESTING_ADMIN_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "admin/admin_api.h"
#include "ingest/identify_message.h"
#include "store/open_store.h"

namespace callexa {

constexpr int64_t kAdminTestNow = 1795860000;  // 2026-11-28T10:00:00Z
constexpr char kAdminTestHost[] = "admin.example";

// A same-origin JSON request as the admin page sends it.
inline HttpRequest AdminRequest(std::string method, std::string path,
                                std::string body = "", std::string query = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.content_type = "application/json";
  r.host = kAdminTestHost;
  r.body = std::move(body);
  return r;
}

class AdminApiFixture : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_admin_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr) << tmpl;
    dir_ = tmpl;
    auto opened = OpenStore(dir_ + "/callexa.db");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    api_ = std::make_unique<AdminApi>(store_.get());
  }

  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Handles `r`, checks the status and returns the parsed JSON body.
  json Call(const HttpRequest &r, int want_status, int64_t now = kAdminTestNow) {
    const HttpResponse resp = api_->Handle(r, now);
    EXPECT_EQ(resp.status, want_status) << r.method << " " << r.path << "?" << r.query
                                        << " " << r.body << " -> " << resp.body;
    EXPECT_EQ(resp.content_type, "application/json");
    json body = json::parse(resp.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << resp.body;
    return body;
  }

  json CreateSurvey(const std::string &body = R"({"name":"NPS"})") {
    return Call(AdminRequest("POST", "api/surveys", body), 201);
  }

  static std::string SurveyPath(const json &survey, const std::string &tail = "") {
    return "api/surveys/" + std::to_string(survey["id"].get<int64_t>()) + tail;
  }

  // An identify with these traits, stored through the ingest path.
  void Identify(const std::string &api_key, const json &traits,
                int64_t now = kAdminTestNow) {
    auto m = ParseSpecMessage(json{{"type", "identify"}, {"traits", traits}}, "");
    ASSERT_TRUE(m.ok()) << m.status().message();
    IngestJob job;
    job.api_key = api_key;
    job.identifies.push_back(*m->identify);
    store_->ApplyIngest({&job}, now);
    ASSERT_TRUE(job.status.ok()) << job.status.message();
  }

  std::string dir_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<AdminApi> api_;
};

}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_TESTING_ADMIN_FIXTURE_H_
