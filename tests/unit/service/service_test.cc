#include "service/service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "admin/admin_api.h"
#include "survey/survey_pages.h"

namespace callexa {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_service_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr);
    dir_ = tmpl;
    config_.database_path = dir_ + "/callexa.db";
    config_.mail_dir = dir_ + "/mail";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  bool HasLine(LogLevel level, const std::string &fragment) const {
    for (const LogLine &l : log_) {
      if (l.level == level && l.text.find(fragment) != std::string::npos) return true;
    }
    return false;
  }

  std::string dir_;
  ServiceConfig config_;
  std::vector<LogLine> log_;
};

TEST_F(ServiceTest, EveryTableRowHasItsEndpoint) {
  auto service = Service::Create(
      config_, false, [] { return false; }, nullptr, &log_);
  ASSERT_TRUE(service->health().ok());
  for (const EndpointSpec &spec : kEndpointTable) {
    if (spec.lane == Lane::kGroupCommit) {
      EXPECT_NE(service->commit_endpoint(spec.id), nullptr) << spec.directive;
      EXPECT_EQ(service->endpoint(spec.id), nullptr) << spec.directive;
    } else {
      EXPECT_NE(service->endpoint(spec.id), nullptr) << spec.directive;
      EXPECT_EQ(service->commit_endpoint(spec.id), nullptr) << spec.directive;
    }
  }
  EXPECT_TRUE(service->jobs().empty());  // not the worker that runs them
}

TEST_F(ServiceTest, BodyLimitsComeFromTheEndpoints) {
  auto service = Service::Create(
      config_, false, [] { return false; }, nullptr, &log_);
  EXPECT_EQ(service->commit_endpoint(EndpointId::kDestination)->MaxBodyBytes(""),
            32u * 1024);
  EXPECT_EQ(service->commit_endpoint(EndpointId::kTrackingApi)->MaxBodyBytes("batch"),
            500u * 1024);
  EXPECT_EQ(service->endpoint(EndpointId::kSurvey)->MaxBodyBytes("x"),
            kMaxAnswerBodyBytes);
  EXPECT_EQ(service->endpoint(EndpointId::kAdmin)->MaxBodyBytes("api/surveys"),
            kMaxAdminBodyBytes);
  EXPECT_EQ(service->endpoint(EndpointId::kMetrics)->MaxBodyBytes(""), 0u);
}

// The names of `service`'s jobs, in order.
std::vector<std::string> JobNames(const Service &service) {
  std::vector<std::string> names;
  for (const PeriodicJob &job : service.jobs()) names.push_back(job.name);
  return names;
}

const PeriodicJob &JobNamed(const Service &service, const std::string &name) {
  for (const PeriodicJob &job : service.jobs()) {
    if (job.name == name) return job;
  }
  ADD_FAILURE() << "no job " << name;
  return service.jobs().front();
}

TEST_F(ServiceTest, JobsStartOnTheJobWorkerWhenConfigured) {
  auto quiet = Service::Create(
      config_, true, [] { return false; }, nullptr, &log_);
  // No public URL: nothing is mailed (no scheduler, replies, reports or
  // alerts); webhooks need no mail.
  EXPECT_EQ(JobNames(*quiet), (std::vector<std::string>{"sync", "retention", "webhooks"}));
  EXPECT_EQ(JobNamed(*quiet, "retention").interval_ms, 60 * 60 * 1000);
  EXPECT_TRUE(JobNamed(*quiet, "retention").step().log.empty());  // nothing past retention
  EXPECT_TRUE(HasLine(LogLevel::kNotice, "survey emails are off"));

  log_.clear();
  config_.public_url = "https://nps.example.com";
  config_.mail_from = "Acme <nps@example.com>";
  auto both = Service::Create(
      config_, true, [] { return false; }, nullptr, &log_);
  EXPECT_EQ(JobNames(*both),
            (std::vector<std::string>{"scheduler", "replies", "sync", "retention",
                                      "reports", "alerts", "webhooks"}));
  EXPECT_EQ(JobNamed(*both, "scheduler").interval_ms, config_.scheduler_interval_ms);
  EXPECT_EQ(JobNamed(*both, "sync").interval_ms, 5000);
  const JobStepResult idle = JobNamed(*both, "scheduler").step();  // nothing due
  EXPECT_FALSE(idle.more);
  EXPECT_TRUE(idle.log.empty());
  EXPECT_EQ(JobNamed(*both, "reports").interval_ms, config_.scheduler_interval_ms);
  EXPECT_TRUE(JobNamed(*both, "reports").step().log.empty());  // no survey reports
}

TEST_F(ServiceTest, AStoreThatCannotOpenLeavesItUnhealthyAndSaysWhy) {
  config_.database_path = dir_ + "/no/such/dir/callexa.db";
  auto service = Service::Create(
      config_, true, [] { return false; }, nullptr, &log_);
  ASSERT_FALSE(service->health().ok());
  EXPECT_EQ(service->health().code(), Status::Code::kUnavailable);
  // The client is told nothing of paths; the log is.
  EXPECT_EQ(service->health().message().find(dir_), std::string::npos);
  EXPECT_NE(service->health().detail().find(dir_), std::string::npos);
  EXPECT_TRUE(HasLine(LogLevel::kCrit, "cannot open database"));
  EXPECT_EQ(service->endpoint(EndpointId::kAdmin), nullptr);
  EXPECT_TRUE(service->jobs().empty());
}

TEST(LeaseOwnerTest, UniquePerCall) { EXPECT_NE(NewLeaseOwner(), NewLeaseOwner()); }

}  // namespace
}  // namespace callexa
