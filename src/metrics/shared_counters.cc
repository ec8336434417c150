#include "metrics/shared_counters.h"

#include <cstdio>
#include <initializer_list>
#include <string>

namespace callexa {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

size_t StatusSlot(int status) {
  for (size_t i = 0; i + 1 < SharedCounters::kStatusSlots; ++i) {
    if (SharedCounters::kStatuses[i] == status) return i;
  }
  return SharedCounters::kStatusSlots - 1;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

struct Series {
  const char *value;  // of the family's one label
  const std::atomic<uint64_t> *n;
};

// A counter family whose series differ in one label: its HELP and TYPE
// lines, then one line per series, zeros included.
void AppendFamily(std::string *out, const char *name, const char *help, const char *label,
                  std::initializer_list<Series> series) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
  for (const Series &s : series) {
    *out += std::string(name) + "{" + label + "=\"" + s.value + "\"} " +
            std::to_string(s.n->load(kRelaxed)) + "\n";
  }
}

}  // namespace

void ResetCounters(SharedCounters *c) {
  for (auto &row : c->requests) {
    for (auto &n : row) n.store(0, kRelaxed);
  }
  for (auto &row : c->unused_calls) {
    for (auto &n : row) n.store(0, kRelaxed);
  }
  for (auto &n : c->commit_buckets) n.store(0, kRelaxed);
  for (auto *n : {&c->commit_count,
                  &c->commit_micros,
                  &c->emails_sent,
                  &c->emails_retried,
                  &c->emails_bounced,
                  &c->emails_failed,
                  &c->reminders_sent,
                  &c->reminders_retried,
                  &c->reminders_bounced,
                  &c->reminders_failed,
                  &c->reminders_skipped,
                  &c->alerts_sent,
                  &c->alerts_retried,
                  &c->alerts_failed,
                  &c->replies_sent,
                  &c->replies_retried,
                  &c->replies_failed,
                  &c->webhooks_delivered,
                  &c->webhooks_retried,
                  &c->webhooks_failed,
                  &c->database_connects_failed,
                  &c->database_connections_lost}) {
    n->store(0, kRelaxed);
  }
}

void CountRequest(SharedCounters *c, size_t endpoint, int status) {
  if (endpoint >= kEndpointCount) return;
  c->requests[endpoint][StatusSlot(status)].fetch_add(1, kRelaxed);
}

void CountUnusedCall(SharedCounters *c, size_t endpoint, std::string_view type) {
  if (endpoint >= kEndpointCount) return;
  size_t slot = 0;
  while (slot + 1 < SharedCounters::kCallTypeSlots &&
         type != SharedCounters::kCallTypes[slot]) {
    ++slot;
  }
  c->unused_calls[endpoint][slot].fetch_add(1, kRelaxed);
}

void CountCommit(SharedCounters *c, uint64_t micros) {
  size_t bucket = 0;
  while (bucket<SharedCounters::kLatencyBuckets &&static_cast<double>(micros)>
             SharedCounters::kLatencyBoundsMs[bucket] *
         1000) {
    ++bucket;
  }
  c->commit_buckets[bucket].fetch_add(1, kRelaxed);
  c->commit_count.fetch_add(1, kRelaxed);
  c->commit_micros.fetch_add(micros, kRelaxed);
}

std::string RenderCounters(const SharedCounters &c) {
  std::string out =
      "# HELP callexa_http_requests_total Requests answered, by handler and status.\n"
      "# TYPE callexa_http_requests_total counter\n";
  for (size_t e = 0; e < kEndpointCount; ++e) {
    for (size_t s = 0; s < SharedCounters::kStatusSlots; ++s) {
      const uint64_t n = c.requests[e][s].load(kRelaxed);
      if (n == 0) continue;
      const std::string status = s + 1 < SharedCounters::kStatusSlots
                                     ? std::to_string(SharedCounters::kStatuses[s])
                                     : "other";
      out += std::string("callexa_http_requests_total{handler=\"") +
             kEndpointTable[e].name + "\",status=\"" + status + "\"} " +
             std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP callexa_unused_calls_total Segment calls of types Callexa does not use "
      "(the tracking API ignores them, the destination answers 501), by handler and "
      "type.\n"
      "# TYPE callexa_unused_calls_total counter\n";
  for (size_t e = 0; e < kEndpointCount; ++e) {
    for (size_t t = 0; t < SharedCounters::kCallTypeSlots; ++t) {
      const uint64_t n = c.unused_calls[e][t].load(kRelaxed);
      if (n == 0) continue;
      const char *type = t + 1 < SharedCounters::kCallTypeSlots
                             ? SharedCounters::kCallTypes[t]
                             : "other";
      out += std::string("callexa_unused_calls_total{handler=\"") +
             kEndpointTable[e].name + "\",type=\"" + type + "\"} " + std::to_string(n) +
             "\n";
    }
  }
  out +=
      "# HELP callexa_ingest_commit_seconds Time of each group commit of identifies.\n"
      "# TYPE callexa_ingest_commit_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < SharedCounters::kLatencyBuckets; ++b) {
    cumulative += c.commit_buckets[b].load(kRelaxed);
    out += "callexa_ingest_commit_seconds_bucket{le=\"" +
           Number(SharedCounters::kLatencyBoundsMs[b] / 1000) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += c.commit_buckets[SharedCounters::kLatencyBuckets].load(kRelaxed);
  out += "callexa_ingest_commit_seconds_bucket{le=\"+Inf\"} " +
         std::to_string(cumulative) + "\n";
  out += "callexa_ingest_commit_seconds_sum " +
         Number(static_cast<double>(c.commit_micros.load(kRelaxed)) / 1e6) + "\n";
  out += "callexa_ingest_commit_seconds_count " +
         std::to_string(c.commit_count.load(kRelaxed)) + "\n";
  AppendFamily(&out, "callexa_emails_total",
               "Survey emails by delivery outcome (retried: a temporary failure, tried "
               "again later).",
               "outcome",
               {{"sent", &c.emails_sent},
                {"retried", &c.emails_retried},
                {"bounced", &c.emails_bounced},
                {"failed", &c.emails_failed}});
  AppendFamily(&out, "callexa_reminders_total",
               "Reminder emails by outcome (retried: a temporary failure, tried again "
               "later; skipped: answered, unsubscribed or bounced before it went out).",
               "outcome",
               {{"sent", &c.reminders_sent},
                {"retried", &c.reminders_retried},
                {"bounced", &c.reminders_bounced},
                {"failed", &c.reminders_failed},
                {"skipped", &c.reminders_skipped}});
  AppendFamily(&out, "callexa_alerts_total",
               "Alert emails by outcome, one per alert (retry: no recipient's server "
               "accepted it yet, tried again later).",
               "outcome",
               {{"sent", &c.alerts_sent},
                {"retry", &c.alerts_retried},
                {"failed", &c.alerts_failed}});
  AppendFamily(&out, "callexa_replies_total",
               "The owner's replies to customers by outcome (retry: a temporary failure, "
               "tried again later).",
               "outcome",
               {{"sent", &c.replies_sent},
                {"retry", &c.replies_retried},
                {"failed", &c.replies_failed}});
  AppendFamily(&out, "callexa_webhook_deliveries_total",
               "Webhook delivery attempts by outcome (retry: tried again later; failed: "
               "given up).",
               "outcome",
               {{"delivered", &c.webhooks_delivered},
                {"retry", &c.webhooks_retried},
                {"failed", &c.webhooks_failed}});
  AppendFamily(
      &out, "callexa_database_connection_errors_total",
      "PostgreSQL connections that could not be made (connect) or were found "
      "lost (lost).",
      "kind",
      {{"connect", &c.database_connects_failed}, {"lost", &c.database_connections_lost}});
  return out;
}

}  // namespace callexa
