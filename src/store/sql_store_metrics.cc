// SqlStore: the figures /metrics shows (see store/metrics_store.h).
#include <string>
#include <vector>

#include "store/sql_store.h"

namespace callexa {
namespace {

// Runs a query of (survey id, label, value) rows into *out.
Status ReadCounts(SqlSession &db, const char *sql,
                  std::vector<MetricsSnapshot::Count> *out) {
  Statement q;
  Status s = q.Prepare(db, sql);
  if (!s.ok()) return s;
  while (q.Step()) out->push_back({q.Int(0), q.Text(1), q.Int(2)});
  return q.status();
}

}  // namespace

Result<MetricsSnapshot> SqlStore::ReadMetrics(int64_t now) {
  const char *size_sql = dialect().DatabaseSizeSql();
  MetricsSnapshot m;
  m.backend = dialect().name();
  Status s = Read([&](SqlSession &db) -> Status {
    // Invitations still on the customer row have no invitations row yet.
    Status rs =
        ReadCounts(db,
                   "SELECT survey_id, status, count(*) FROM invitations "
                   "GROUP BY survey_id, status "
                   "UNION ALL SELECT survey_id, 'scheduled', count(*) FROM customers "
                   "WHERE pending_due_at IS NOT NULL GROUP BY survey_id "
                   "ORDER BY 1, 2",
                   &m.invitations);
    if (rs.ok()) {
      rs = ReadCounts(db,
                      "SELECT survey_id, '', count(*) FROM answers GROUP BY survey_id "
                      "ORDER BY 1",
                      &m.answers);
    }
    if (rs.ok()) {
      rs = ReadCounts(db,
                      "SELECT 0, reason, count(*) FROM suppressions GROUP BY reason "
                      "ORDER BY 2",
                      &m.suppressions);
    }
    if (!rs.ok()) return rs;
    Statement q;
    rs = q.Prepare(db,
                   "SELECT s.id, coalesce(st.messages_sent, 0), "
                   "       coalesce(st.requests_made, 0), st.last_success_at, "
                   "       (SELECT count(DISTINCT customer_id) FROM answers a "
                   "        WHERE a.survey_id = s.id "
                   "          AND a.change_seq > coalesce(st.cursor_seq, 0)) "
                   "FROM surveys s LEFT JOIN sync_state st ON st.survey_id = s.id "
                   "WHERE s.segment_write_key <> '' ORDER BY s.id");
    if (!rs.ok()) return rs;
    while (q.Step()) {
      MetricsSnapshot::SurveySync sync;
      sync.survey_id = q.Int(0);
      sync.messages_sent = q.Int(1);
      sync.requests_made = q.Int(2);
      sync.last_success_at = q.OptionalInt(3);
      sync.pending = q.Int(4);
      m.sync.push_back(sync);
    }
    if (!q.status().ok()) return q.status();
    Statement size, due;
    rs = PrepareAll(
        db,
        {{&size, size_sql},
         {&due,
          "SELECT min(t) FROM ("
          "  SELECT min(next_attempt_at) AS t FROM invitations "
          "  WHERE status IN ('queued', 'retry', 'sending') AND next_attempt_at <= ?1 "
          "  UNION ALL SELECT min(c.pending_due_at) FROM customers c "
          "  JOIN surveys s ON s.id = c.survey_id "
          "  WHERE c.pending_due_at IS NOT NULL AND c.pending_due_at <= ?1 "
          "    AND s.automation = 1) AS due"}});
    if (!rs.ok()) return rs;
    if (size.Step()) m.database_bytes = size.Int(0);
    if (!size.status().ok()) return size.status();
    due.Bind(1, now);
    if (due.Step()) m.oldest_due_at = due.OptionalInt(0);
    if (!due.status().ok()) return due.status();
    Statement takeovers;
    rs = takeovers.Prepare(db,
                           "SELECT CAST(value AS BIGINT) FROM settings "
                           "WHERE name = 'lease_takeovers'");
    if (rs.ok() && takeovers.Step()) m.lease_takeovers = takeovers.Int(0);
    return rs.ok() ? takeovers.status() : rs;
  });
  if (!s.ok()) return s;
  return m;
}

}  // namespace callexa
