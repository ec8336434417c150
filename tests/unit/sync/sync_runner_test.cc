#include "sync/sync_runner.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "testing/sync_fixture.h"

namespace callexa {
namespace {

using nlohmann::json;
using Level = SyncStepResult::Level;

// Records every request; answers from a script, then 200.
class FakeSegment : public SegmentClient {
 public:
  SegmentResponse PostBatch(const std::string &url, const std::string &write_key,
                            const std::string &body) override {
    urls.push_back(url);
    keys.push_back(write_key);
    const json parsed = json::parse(body);
    bodies.push_back(parsed);
    SegmentResponse r;
    r.http_status = 200;
    if (!script.empty()) {
      r = script.front();
      script.pop_front();
    }
    if (r.transport == SegmentResponse::Transport::kOk && r.http_status == 200) {
      for (const json &m : parsed["batch"]) accepted[m["messageId"]].push_back(m);
    }
    return r;
  }

  std::deque<SegmentResponse> script;
  std::vector<std::string> urls, keys;
  std::vector<json> bodies;
  std::map<std::string, std::vector<json>> accepted;  // by messageId
};

SegmentResponse Http(int status, std::string retry_after = "") {
  SegmentResponse r;
  r.http_status = status;
  r.body = "{\"message\":\"answer " + std::to_string(status) + "\"}";
  r.retry_after = std::move(retry_after);
  return r;
}

class SyncRunnerTest : public SyncFixture {
 protected:
  SyncRunnerTest() {
    options_.api_url = "http://segment.test/v1";
    options_.owner = "worker-1";
  }

  SyncStepResult Step(int64_t now = kNow) {
    return RunSyncStep(store_, &segment_, options_, now);
  }

  // Steps until the runner reports nothing more to do now.
  std::vector<SyncStepResult> Drain(int64_t now = kNow) {
    std::vector<SyncStepResult> steps;
    for (int i = 0; i < 1000; ++i) {
      steps.push_back(Step(now));
      if (!steps.back().more_work) return steps;
    }
    ADD_FAILURE() << "runner did not settle";
    return steps;
  }

  SyncStatus Status(int64_t survey) {
    auto st = store_->GetSyncStatus(survey);
    EXPECT_TRUE(st.ok()) << st.status().message();
    return st.ok() ? *st : SyncStatus{};
  }

  SyncOptions options_;
  FakeSegment segment_;
};

TEST_F(SyncRunnerTest, SendsEveryAnswerOnceInBatches) {
  const int64_t survey = NewSurvey("wk_secret");
  for (int i = 0; i < 7; ++i) AnsweredCustomer(survey, "u" + std::to_string(i), i);
  options_.max_batch_messages = 3;
  const auto steps = Drain();
  ASSERT_EQ(segment_.bodies.size(), 3u);
  EXPECT_EQ(segment_.urls[0], "http://segment.test/v1/batch");
  EXPECT_EQ(segment_.keys[0], "wk_secret");
  EXPECT_EQ(segment_.bodies[0]["batch"].size(), 3u);
  EXPECT_EQ(segment_.bodies[2]["batch"].size(), 1u);
  EXPECT_EQ(segment_.bodies[0]["sentAt"], "2026-11-28T10:00:00Z");
  EXPECT_EQ(segment_.accepted.size(), 7u);
  for (const auto &[id, copies] : segment_.accepted) EXPECT_EQ(copies.size(), 1u) << id;
  EXPECT_EQ(steps[0].level, Level::kInfo);
  EXPECT_EQ(steps[0].log_line, "callexa: sync survey 1: 3 messages sent, 4 left");
  EXPECT_EQ(steps[2].log_line, "callexa: sync survey 1: 1 messages sent, 0 left");

  const SyncStatus st = Status(survey);
  EXPECT_EQ(st.messages_sent, 7);
  EXPECT_EQ(st.requests_made, 3);
  EXPECT_EQ(st.pending, 0);
  EXPECT_EQ(st.last_success_at, kNow);
  EXPECT_EQ(st.next_run_at, kNow + 86400);

  // Nothing new: the next run sends nothing; a new answer goes next run.
  AnsweredCustomer(survey, "late", 10);
  Drain(kNow + 100);
  EXPECT_EQ(segment_.bodies.size(), 3u);
  Drain(kNow + 86400);
  ASSERT_EQ(segment_.bodies.size(), 4u);
  EXPECT_EQ(segment_.bodies[3]["batch"][0]["userId"], "late");
}

TEST_F(SyncRunnerTest, OnlyTheMostRecentAnswerOfACustomerIsSent) {
  const int64_t survey = NewSurvey();
  const int64_t first = AnsweredCustomer(survey, "ada", 3, "slow", kNow - 1000);
  Answer(first, 6, "slow, but improving", kNow - 900);  // the last answer wins
  const int64_t customer =
      QueryInt("SELECT customer_id FROM invitations WHERE id = " + std::to_string(first));
  Answer(AddInvitation(survey, customer), 10, "", kNow - 10);  // a later survey
  Drain();
  ASSERT_EQ(segment_.accepted.size(), 1u);
  const json &m = segment_.accepted.begin()->second[0];
  EXPECT_EQ(m["traits"]["NPS_rating"], 10);
  EXPECT_EQ(m["traits"]["NPS_comment"], "");
  EXPECT_EQ(m["traits"]["NPS_date"], "2026-11-28T09:59:50Z");
}

TEST_F(SyncRunnerTest, CustomersWithoutAnyIdAreSkippedAndCounted) {
  const int64_t survey = NewSurvey();
  const int64_t nobody = AddCustomer(survey, "nobody@example.com", "");
  Answer(AddInvitation(survey, nobody), 9, "", kNow);
  const int64_t anon = AddCustomer(survey, "anon@example.com", "", "anon-1");
  Answer(AddInvitation(survey, anon), 8, "", kNow);
  const auto steps = Drain();
  ASSERT_EQ(segment_.bodies.size(), 1u);
  ASSERT_EQ(segment_.bodies[0]["batch"].size(), 1u);
  EXPECT_EQ(segment_.bodies[0]["batch"][0]["anonymousId"], "anon-1");
  EXPECT_EQ(steps[0].log_line,
            "callexa: sync survey 1: 1 messages sent, 0 left, 1 skipped (no userId or "
            "anonymousId)");
  const SyncStatus st = Status(survey);
  EXPECT_EQ(st.messages_sent, 1);
  EXPECT_EQ(st.messages_skipped, 1);
  EXPECT_EQ(st.pending, 0);
}

TEST_F(SyncRunnerTest, ServerErrorsBackOffWithoutSleepingThenEverythingArrivesOnce) {
  const int64_t survey = NewSurvey();
  for (int i = 0; i < 5; ++i) AnsweredCustomer(survey, "u" + std::to_string(i), 9);
  options_.max_batch_messages = 2;
  SegmentResponse timeout;
  timeout.transport = SegmentResponse::Transport::kTimeout;
  timeout.error = "Timeout was reached";
  segment_.script = {Http(200), Http(500), timeout};

  SyncStepResult r = Step();  // batch 1 accepted
  EXPECT_EQ(r.level, Level::kInfo);
  r = Step();  // batch 2: 500
  EXPECT_TRUE(r.more_work);
  EXPECT_EQ(r.level, Level::kWarn);
  EXPECT_NE(r.log_line.find("HTTP 500 from Segment"), std::string::npos) << r.log_line;
  SyncStatus st = Status(survey);
  EXPECT_EQ(st.failures, 1);
  EXPECT_EQ(st.messages_sent, 2);
  EXPECT_EQ(st.requests_made, 2);
  ASSERT_TRUE(st.next_run_at);
  EXPECT_GE(*st.next_run_at, kNow + 15);
  EXPECT_LE(*st.next_run_at, kNow + 30);
  EXPECT_NE(st.last_error.find("answer 500"), std::string::npos);
  EXPECT_FALSE(Step().more_work);  // not due yet: nothing happens
  EXPECT_EQ(segment_.bodies.size(), 2u);

  r = Step(*st.next_run_at);  // timeout: backs off further
  EXPECT_EQ(r.level, Level::kWarn);
  st = Status(survey);
  EXPECT_EQ(st.failures, 2);
  EXPECT_EQ(st.last_error, "Timeout was reached");
  const int64_t retry_at = *st.next_run_at;

  Drain(retry_at);
  EXPECT_EQ(segment_.accepted.size(), 5u);
  for (const auto &[id, copies] : segment_.accepted) EXPECT_EQ(copies.size(), 1u) << id;
  st = Status(survey);
  EXPECT_EQ(st.failures, 0);
  EXPECT_EQ(st.last_error, "");
  EXPECT_EQ(st.messages_sent, 5);
  EXPECT_EQ(st.requests_made, 5);
}

TEST_F(SyncRunnerTest, TooManyRequestsWaitsForRetryAfter) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  segment_.script = {Http(429, "120")};
  Step();
  EXPECT_EQ(Status(survey).next_run_at, kNow + 120);
  Drain(kNow + 119);
  EXPECT_EQ(segment_.bodies.size(), 1u);
  Drain(kNow + 120);
  EXPECT_EQ(segment_.bodies.size(), 2u);
  EXPECT_EQ(segment_.accepted.size(), 1u);
}

TEST_F(SyncRunnerTest, RejectionIsRecordedAndTheNextSurveyGoesOn) {
  const int64_t bad = NewSurvey("wrong-key");
  const int64_t good = NewSurvey("right-key");
  AnsweredCustomer(bad, "b1", 1);
  AnsweredCustomer(good, "g1", 10);
  segment_.script = {Http(401)};
  const auto steps = Drain();
  ASSERT_EQ(segment_.bodies.size(), 2u);
  EXPECT_EQ(segment_.keys[0], "wrong-key");
  EXPECT_EQ(segment_.keys[1], "right-key");
  EXPECT_EQ(steps[0].level, Level::kError);
  EXPECT_NE(steps[0].log_line.find("HTTP 401"), std::string::npos);

  SyncStatus st = Status(bad);
  EXPECT_NE(st.last_error.find("HTTP 401 from Segment: {\"message\":\"answer 401\"}"),
            std::string::npos)
      << st.last_error;
  EXPECT_EQ(st.pending, 1);  // kept for after the owner fixes the key
  EXPECT_FALSE(st.running);
  EXPECT_EQ(st.next_run_at, kNow + 86400);
  EXPECT_EQ(Status(good).messages_sent, 1);

  // Fixed and run again by hand: the answer goes out.
  ASSERT_TRUE(store_->RequestSyncRun(bad).ok());
  Drain(kNow + 5);
  EXPECT_EQ(segment_.accepted.size(), 2u);
  st = Status(bad);
  EXPECT_EQ(st.pending, 0);
  EXPECT_EQ(st.last_error, "");
}

TEST_F(SyncRunnerTest, ACrashMidBatchRepeatsOnlyThatBatchWithTheSameMessageIds) {
  const int64_t survey = NewSurvey();
  for (int i = 0; i < 4; ++i) AnsweredCustomer(survey, "u" + std::to_string(i), 7);
  options_.max_batch_messages = 2;
  Step();  // batch 1 recorded
  // Worker A claims batch 2, Segment gets it, and A dies before recording.
  auto claimed = store_->ClaimSyncWork(kNow, "dead-worker", options_.lease_seconds, 2);
  ASSERT_TRUE(claimed.ok() && *claimed);
  std::vector<std::string> lost;
  for (const SyncItem &item : (*claimed)->items) {
    lost.push_back(BuildIdentify(survey, item));
  }
  segment_.PostBatch("x", "wk_test", BatchBody(lost, lost.size(), kNow));
  // Until the lease expires nobody else sends it.
  EXPECT_FALSE(Step(kNow + 1).more_work);
  Drain(kNow + options_.lease_seconds);
  EXPECT_EQ(segment_.accepted.size(), 4u);
  int repeated = 0;
  for (const auto &[id, copies] : segment_.accepted) {
    if (copies.size() > 1) {
      ++repeated;
      EXPECT_EQ(copies[0], copies[1]);  // byte for byte the same message
    }
  }
  EXPECT_EQ(repeated, 2);
  EXPECT_EQ(Status(survey).pending, 0);
}

TEST_F(SyncRunnerTest, InterruptedTransferReleasesTheSurveyAndStops) {
  const int64_t survey = NewSurvey();
  AnsweredCustomer(survey, "u1", 9);
  SegmentResponse interrupted;
  interrupted.transport = SegmentResponse::Transport::kInterrupted;
  segment_.script = {interrupted};
  EXPECT_FALSE(Step().more_work);
  const SyncStatus st = Status(survey);
  EXPECT_EQ(st.requests_made, 0);
  EXPECT_EQ(st.failures, 0);
  // Another worker (after the reload) takes it at once.
  options_.owner = "worker-2";
  Drain();
  EXPECT_EQ(segment_.accepted.size(), 1u);
}

TEST_F(SyncRunnerTest, BigCommentsSplitBatchesByBytes) {
  const int64_t survey = NewSurvey();
  for (int i = 0; i < 40; ++i) {
    AnsweredCustomer(survey, "u" + std::to_string(i), 5, std::string(50000, 'x'));
  }
  Drain();
  ASSERT_EQ(segment_.bodies.size(), 3u);  // 14 + 14 + 12 messages of ~32 KB
  for (const json &body : segment_.bodies) {
    EXPECT_LE(body.dump().size(), kSyncMaxBatchBytes);
  }
  EXPECT_EQ(segment_.accepted.size(), 40u);
  EXPECT_EQ(Status(survey).messages_sent, 40);
}

}  // namespace
}  // namespace callexa
