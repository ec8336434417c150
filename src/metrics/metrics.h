// The callexa_metrics handler's core: database-derived counters and gauges
// in the Prometheus text exposition format (version 0.0.4).
#ifndef CALLEXA_METRICS_METRICS_H_
#define CALLEXA_METRICS_METRICS_H_

#include <string>

#include "http/endpoint.h"
#include "http/http_exchange.h"
#include "metrics/shared_counters.h"
#include "store/metrics_store.h"

namespace callexa {

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4";

// Families, each with # HELP and # TYPE even when it has no sample:
//   callexa_invitations{survey,status}            gauge
//   callexa_answers{survey}                       gauge
//   callexa_suppressions{reason}                  gauge
//   callexa_sync_messages_sent_total{survey}      counter
//   callexa_sync_requests_total{survey}           counter
//   callexa_sync_pending{survey}                  gauge (customers)
//   callexa_sync_last_success_timestamp_seconds{survey}  gauge, when known
//   callexa_database_bytes                        gauge
//   callexa_oldest_due_invitation_age_seconds     gauge
std::string RenderPrometheus(const MetricsSnapshot &snapshot);

// GET/HEAD: 200 with RenderPrometheus of the store's figures at `now`, and
// the shared counters when there are (shared_counters.h); 503 when the
// store fails; 405 (with Allow) for other methods. Blocks on the store.
HttpResponse HandleMetrics(MetricsStore *store, const SharedCounters *counters,
                           const std::string &method, int64_t now);
// The store's figures alone, at time 0.
HttpResponse HandleMetrics(MetricsStore *store, const std::string &method);

// callexa_metrics: counts only, no personal data, so it has no access check
// of its own (like stub_status, operators restrict the location).
class MetricsEndpoint : public Endpoint {
 public:
  // `store` must outlive this object.
  // `counters` may be null (no shared memory: the store's figures only).
  MetricsEndpoint(MetricsStore *store, const SharedCounters *counters)
      : store_(store), counters_(counters) {}

  // GET and HEAD have no body.
  size_t MaxBodyBytes(std::string_view) const override { return 0; }
  HttpResponse Handle(const HttpRequest &request, int64_t now) override {
    return HandleMetrics(store_, counters_, request.method, now);
  }

 private:
  MetricsStore *store_;
  const SharedCounters *counters_;
};

}  // namespace callexa

#endif  // CALLEXA_METRICS_METRICS_H_
