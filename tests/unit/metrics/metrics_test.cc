#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

class FakeMetricsStore : public MetricsStore {
 public:
  Result<MetricsSnapshot> ReadMetrics() override {
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

}  // namespace
}  // namespace callexa
