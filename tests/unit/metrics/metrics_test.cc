#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

class FakeMetricsStore : public MetricsStore {
 public:
  Result<MetricsSnapshot> ReadMetrics(int64_t) override {
    if (fail) return Status::IOError("disk on fire");
    return snapshot;
  }
  MetricsSnapshot snapshot;
  bool fail = false;
};

TEST(MetricsTest, RendersEveryFamilyInTextFormat) {
  MetricsSnapshot m;
  m.invitations = {{1, "scheduled", 4}, {1, "sent", 10}, {2, "answered", 3}};
  m.answers = {{1, "", 7}};
  m.suppressions = {{0, "bounced", 2}, {0, "un\"sub\\scribed\n", 1}};
  MetricsSnapshot::SurveySync sync;
  sync.survey_id = 1;
  sync.messages_sent = 2500;
  sync.requests_made = 2;
  sync.pending = 97500;
  sync.last_success_at = 1795860000;
  m.sync.push_back(sync);
  sync.survey_id = 2;
  sync.last_success_at.reset();
  m.sync.push_back(sync);

  const std::string text = RenderPrometheus(m);
  for (const char *line : {
           "# TYPE callexa_invitations gauge\n",
           "callexa_invitations{survey=\"1\",status=\"scheduled\"} 4\n",
           "callexa_invitations{survey=\"2\",status=\"answered\"} 3\n",
           "callexa_answers{survey=\"1\"} 7\n",
           "callexa_suppressions{reason=\"bounced\"} 2\n",
           "callexa_suppressions{reason=\"un\\\"sub\\\\scribed\\n\"} 1\n",
           "# TYPE callexa_sync_messages_sent_total counter\n",
           "callexa_sync_messages_sent_total{survey=\"1\"} 2500\n",
           "callexa_sync_requests_total{survey=\"2\"} 2\n",
           "callexa_sync_pending{survey=\"1\"} 97500\n",
           "callexa_sync_last_success_timestamp_seconds{survey=\"1\"} 1795860000\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
  EXPECT_EQ(text.find("callexa_sync_last_success_timestamp_seconds{survey=\"2\"}"),
            std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, EmptyInstallationStillDeclaresTheFamilies) {
  const std::string text = RenderPrometheus(MetricsSnapshot{});
  EXPECT_NE(text.find("# HELP callexa_answers "), std::string::npos);
  EXPECT_NE(text.find("# TYPE callexa_sync_pending gauge"), std::string::npos);
}

TEST(MetricsTest, HandlerAnswersTextOr503) {
  FakeMetricsStore store;
  HttpResponse r = HandleMetrics(&store, "GET");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  r = HandleMetrics(&store, "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers, (decltype(r.headers){{"Allow", "GET, HEAD"}}));
  store.fail = true;
  r = HandleMetrics(&store, "GET");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.find("disk"), std::string::npos);  // no internals to scrapers
}

TEST(MetricsTest, DatabaseSizeAndTheOldestDueInvitation) {
  MetricsSnapshot m;
  m.database_bytes = 4096 * 10;
  m.oldest_due_at = 1000;
  m.read_at = 1600;
  const std::string text = RenderPrometheus(m);
  EXPECT_NE(text.find("callexa_database_bytes 40960\n"), std::string::npos) << text;
  EXPECT_NE(text.find("callexa_oldest_due_invitation_age_seconds 600\n"),
            std::string::npos);
  m.oldest_due_at.reset();
  EXPECT_NE(RenderPrometheus(m).find("callexa_oldest_due_invitation_age_seconds 0\n"),
            std::string::npos);
}

TEST(MetricsTest, SharedCountersByHandlerStatusAndLatency) {
  static SharedCounters c;  // zeroed, as fresh shared memory is
  ResetCounters(&c);
  CountRequest(&c, 0, 200);
  CountRequest(&c, 0, 200);
  CountRequest(&c, 2, 503);
  CountRequest(&c, 2, 418);               // not a status of ours: "other"
  CountRequest(&c, kEndpointCount, 200);  // no such handler: ignored
  CountCommit(&c, 800);                   // 0.8 ms
  CountCommit(&c, 30000);                 // 30 ms
  CountCommit(&c, 9000000);               // 9 s: over every bound
  c.emails_bounced.fetch_add(3);
  c.database_connections_lost.fetch_add(2);
  const std::string text = RenderCounters(c);
  for (const char *line : {
           "callexa_http_requests_total{handler=\"destination\",status=\"200\"} 2\n",
           "callexa_http_requests_total{handler=\"admin\",status=\"503\"} 1\n",
           "callexa_http_requests_total{handler=\"admin\",status=\"other\"} 1\n",
           "callexa_ingest_commit_seconds_bucket{le=\"0.001\"} 1\n",
           "callexa_ingest_commit_seconds_bucket{le=\"0.025\"} 1\n",
           "callexa_ingest_commit_seconds_bucket{le=\"0.05\"} 2\n",
           "callexa_ingest_commit_seconds_bucket{le=\"5\"} 2\n",
           "callexa_ingest_commit_seconds_bucket{le=\"+Inf\"} 3\n",
           "callexa_ingest_commit_seconds_count 3\n",
           "callexa_ingest_commit_seconds_sum 9.0308\n",
           "callexa_emails_total{outcome=\"bounced\"} 3\n",
           "callexa_emails_total{outcome=\"sent\"} 0\n",
           "callexa_database_connection_errors_total{kind=\"connect\"} 0\n",
           "callexa_database_connection_errors_total{kind=\"lost\"} 2\n",
           "# TYPE callexa_webhook_deliveries_total counter\n",
           "callexa_webhook_deliveries_total{outcome=\"retry\"} 0\n",
           "callexa_reminders_total{outcome=\"skipped\"} 0\n",
           "# HELP callexa_replies_total The owner's replies to customers by outcome",
           "callexa_alerts_total{outcome=\"failed\"} 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
}

}  // namespace
}  // namespace callexa
