// SqlStore's AuditStore: the admin's audit log, one row per change in
// audit_log.
#include "store/sql_store.h"

namespace callexa {
namespace {

// The WHERE clause of a query, its survey as ?1 when it names one.
std::string AuditFilter(const AuditQuery &query) {
  return query.survey_id ? " WHERE survey_id = ?1" : "";
}

}  // namespace

Status SqlStore::RecordAudit(const AuditEntry &entry) {
  return Write([&](SqlSession &db) -> Status {
    Statement insert;
    Status s = insert.Prepare(db,
                              "INSERT INTO audit_log (at, actor, role, action, "
                              "survey_id, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s.ok()) return s;
    return insert.Bind(1, entry.at)
        .Bind(2, entry.actor)
        .Bind(3, entry.role)
        .Bind(4, entry.action)
        .Bind(5, entry.survey_id)
        .Bind(6, entry.details)
        .Run();
  });
}

Result<std::vector<AuditEntry>> SqlStore::ListAudit(const AuditQuery &query) {
  std::vector<AuditEntry> entries;
  Status s = Read([&](SqlSession &db) -> Status {
    entries.clear();
    Statement q;
    const int last = query.survey_id ? 1 : 0;
    Status qs = q.Prepare(
        db, "SELECT id, at, actor, role, action, survey_id, details FROM audit_log" +
                AuditFilter(query) + " ORDER BY id DESC LIMIT ?" +
                std::to_string(last + 1) + " OFFSET ?" + std::to_string(last + 2));
    if (!qs.ok()) return qs;
    if (query.survey_id) q.Bind(1, *query.survey_id);
    q.Bind(last + 1, int64_t{query.limit}).Bind(last + 2, int64_t{query.offset});
    while (q.Step()) {
      AuditEntry e;
      e.id = q.Int(0);
      e.at = q.Int(1);
      e.actor = q.Text(2);
      e.role = q.Text(3);
      e.action = q.Text(4);
      e.survey_id = q.OptionalInt(5);
      e.details = q.Text(6);
      entries.push_back(std::move(e));
    }
    return q.status();
  });
  if (!s.ok()) return s;
  return entries;
}

Result<int64_t> SqlStore::CountAudit(const AuditQuery &query) {
  int64_t count = 0;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status qs = q.Prepare(db, "SELECT COUNT(*) FROM audit_log" + AuditFilter(query));
    if (!qs.ok()) return qs;
    if (query.survey_id) q.Bind(1, *query.survey_id);
    if (q.Step()) count = q.Int(0);
    return q.status();
  });
  if (!s.ok()) return s;
  return count;
}

}  // namespace callexa
