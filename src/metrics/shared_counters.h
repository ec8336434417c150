// Counters every worker adds to and /metrics reads, whichever worker
// answers: requests by endpoint and status, the ingest commit latency, and
// what the scheduler did. They live in memory the glue shares between all
// workers (an nginx shared memory zone, created before the workers fork),
// so the struct holds lock-free atomics only, and survives a reload when
// the zone is kept. Counts since nginx started, as Prometheus counters are.
#ifndef CALLEXA_METRICS_SHARED_COUNTERS_H_
#define CALLEXA_METRICS_SHARED_COUNTERS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/endpoint_table.h"

namespace callexa {

struct SharedCounters {
  // The statuses the module answers with, and one slot for any other.
  static constexpr int kStatuses[] = {200, 201, 202, 204, 303, 304, 400,
                                      401, 403, 404, 405, 408, 409, 410,
                                      413, 415, 429, 499, 500, 501, 503};
  static constexpr size_t kStatusSlots = sizeof kStatuses / sizeof kStatuses[0] + 1;
  // Upper bounds of the commit latency histogram, in milliseconds.
  static constexpr double kLatencyBoundsMs[] = {1,   2,   5,   10,   25,   50,
                                                100, 250, 500, 1000, 2500, 5000};
  static constexpr size_t kLatencyBuckets =
      sizeof kLatencyBoundsMs / sizeof kLatencyBoundsMs[0];

  // Segment call types the module does not use, and one slot for others.
  static constexpr const char *kCallTypes[] = {"track", "page", "screen", "group",
                                               "alias"};
  static constexpr size_t kCallTypeSlots = sizeof kCallTypes / sizeof kCallTypes[0] + 1;

  std::atomic<uint64_t> requests[kEndpointCount][kStatusSlots];
  // Calls of those types by endpoint: ignored by the tracking API, refused
  // with 501 by the destination (Segment's partner contract).
  std::atomic<uint64_t> unused_calls[kEndpointCount][kCallTypeSlots];
  // Commits of the group-commit lane: cumulative buckets as Prometheus
  // wants them are made when rendering; here each commit counts once.
  std::atomic<uint64_t> commit_buckets[kLatencyBuckets + 1];  // the last: over all
  std::atomic<uint64_t> commit_count;
  std::atomic<uint64_t> commit_micros;
  // The scheduler's outcomes.
  std::atomic<uint64_t> emails_sent, emails_retried, emails_bounced, emails_failed;
  // The reminder step's outcomes (skipped: answered or unsubscribed meanwhile).
  std::atomic<uint64_t> reminders_sent, reminders_retried, reminders_bounced,
      reminders_failed, reminders_skipped;
  // The alert step's outcomes (one per alert, not per recipient).
  std::atomic<uint64_t> alerts_sent, alerts_retried, alerts_failed;
  // The reply step's outcomes: the owner's replies to customers.
  std::atomic<uint64_t> replies_sent, replies_retried, replies_failed;
  // The webhook step's outcomes, one per attempt (retry: tried again later).
  std::atomic<uint64_t> webhooks_delivered, webhooks_retried, webhooks_failed;
  // PostgreSQL connections that could not be made, and ones found lost (a
  // restart, a failover, a dropped connection).
  std::atomic<uint64_t> database_connects_failed, database_connections_lost;
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "SharedCounters is shared between processes");

// Zeroes `c` (fresh shared memory is zero already; this says so).
void ResetCounters(SharedCounters *c);
// A request of the endpoint in row `endpoint` of kEndpointTable answered
// with `status`.
void CountRequest(SharedCounters *c, size_t endpoint, int status);
// A call of `type` ("track", ...) that the endpoint in row `endpoint` of
// kEndpointTable does not use.
void CountUnusedCall(SharedCounters *c, size_t endpoint, std::string_view type);
// One group commit that took `micros`.
void CountCommit(SharedCounters *c, uint64_t micros);
// The Prometheus families of the counters (# HELP, # TYPE, samples).
std::string RenderCounters(const SharedCounters &c);

}  // namespace callexa

#endif  // CALLEXA_METRICS_SHARED_COUNTERS_H_
