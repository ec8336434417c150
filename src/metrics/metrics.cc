#include "metrics/metrics.h"

#include <functional>

namespace callexa {
namespace {

// Label values: backslash, double quote and newline escaped.
std::string Escape(const std::string &value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Family(std::string *out, const char *name, const char *type, const char *help) {
  *out +=
      std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Sample(std::string *out, const char *name, const std::string &labels,
            int64_t value) {
  *out += std::string(name) + "{" + labels + "} " + std::to_string(value) + "\n";
}

std::string SurveyLabel(int64_t survey_id) {
  return "survey=\"" + std::to_string(survey_id) + "\"";
}

// One sync family: one sample per survey of the value `get` picks.
void SyncFamily(std::string *out, const MetricsSnapshot &m, const char *name,
                const char *type, const char *help,
                const std::function<int64_t(const MetricsSnapshot::SurveySync &)> &get) {
  Family(out, name, type, help);
  for (const auto &s : m.sync) Sample(out, name, SurveyLabel(s.survey_id), get(s));
}

}  // namespace

std::string RenderPrometheus(const MetricsSnapshot &m) {
  std::string out;
  Family(&out, "callexa_invitations", "gauge",
         "Invitations by survey and status (scheduled: not yet sent).");
  for (const auto &c : m.invitations) {
    Sample(&out, "callexa_invitations",
           SurveyLabel(c.survey_id) + ",status=\"" + Escape(c.label) + "\"", c.value);
  }
  Family(&out, "callexa_answers", "gauge", "Answers stored, one per invitation.");
  for (const auto &c : m.answers) {
    Sample(&out, "callexa_answers", SurveyLabel(c.survey_id), c.value);
  }
  Family(&out, "callexa_suppressions", "gauge", "Suppressed addresses by reason.");
  for (const auto &c : m.suppressions) {
    Sample(&out, "callexa_suppressions", "reason=\"" + Escape(c.label) + "\"", c.value);
  }
  SyncFamily(&out, m, "callexa_sync_messages_sent_total", "counter",
             "Identify calls Segment accepted.",
             [](const auto &s) { return s.messages_sent; });
  SyncFamily(&out, m, "callexa_sync_requests_total", "counter",
             "Batch requests made to Segment.",
             [](const auto &s) { return s.requests_made; });
  SyncFamily(&out, m, "callexa_sync_pending", "gauge",
             "Customers with an answer not yet synced.",
             [](const auto &s) { return s.pending; });
  Family(&out, "callexa_sync_last_success_timestamp_seconds", "gauge",
         "End of the last complete sync run (Unix time).");
  for (const auto &s : m.sync) {
    if (s.last_success_at) {
      Sample(&out, "callexa_sync_last_success_timestamp_seconds",
             SurveyLabel(s.survey_id), *s.last_success_at);
    }
  }
  Family(&out, "callexa_database_info", "gauge", "The store's database backend.");
  out += "callexa_database_info{backend=\"" + Escape(m.backend) + "\"} 1\n";
  Family(&out, "callexa_database_bytes", "gauge",
         "Size of the database (SQLite: its file's pages; PostgreSQL: the database).");
  out += "callexa_database_bytes " + std::to_string(m.database_bytes) + "\n";
  Family(&out, "callexa_lease_takeovers_total", "counter",
         "Invitations claimed after another worker's lease on them expired.");
  out += "callexa_lease_takeovers_total " + std::to_string(m.lease_takeovers) + "\n";
  Family(&out, "callexa_oldest_due_invitation_age_seconds", "gauge",
         "How long the longest-waiting due invitation has waited (0: none waits).");
  out += "callexa_oldest_due_invitation_age_seconds " +
         std::to_string(m.oldest_due_at && m.read_at > *m.oldest_due_at
                            ? m.read_at - *m.oldest_due_at
                            : 0) +
         "\n";
  return out;
}

HttpResponse HandleMetrics(MetricsStore *store, const std::string &method) {
  return HandleMetrics(store, nullptr, method, 0);
}

HttpResponse HandleMetrics(MetricsStore *store, const SharedCounters *counters,
                           const std::string &method, int64_t now) {
  HttpResponse r;
  r.content_type = kPrometheusContentType;
  if (method != "GET" && method != "HEAD") {
    r.status = 405;
    r.headers.emplace_back("Allow", "GET, HEAD");  // required with 405 (RFC 9110)
    r.body = "use GET\n";
    return r;
  }
  auto snapshot = store->ReadMetrics(now);
  if (!snapshot.ok()) {
    r.status = 503;
    r.body = "metrics unavailable\n";
    r.diagnostic = "metrics: " + snapshot.status().ToLogString();
    return r;
  }
  snapshot->read_at = now;
  r.body = RenderPrometheus(*snapshot);
  if (counters != nullptr) r.body += RenderCounters(*counters);
  return r;
}

}  // namespace callexa
