// SqlStore: what the admin's pages show beside the settings (counts, the
// delivery overview, suppressions), and uploaded images.
#include <string>
#include <vector>

#include "policy/erasure.h"
#include "store/customer_filter.h"
#include "store/sql_store.h"

namespace callexa {

Result<std::vector<SurveyCounts>> SqlStore::CountBySurvey(int64_t month_start) {
  std::vector<SurveyCounts> out;
  Status s = Read([&](SqlSession &db) -> Status {
    out.clear();
    Statement q;
    Status ps =
        q.Prepare(db,
                  "SELECT s.id, "
                  "  coalesce((SELECT invitations FROM survey_months m "
                  "            WHERE m.survey_id = s.id AND m.month_start = ?1), 0), "
                  "  (SELECT count(*) FROM answers a WHERE a.survey_id = s.id) "
                  "FROM surveys s ORDER BY s.id");
    if (!ps.ok()) return ps;
    q.Bind(1, month_start);
    while (q.Step()) out.push_back({q.Int(0), q.Int(1), q.Int(2)});
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> SqlStore::CountCustomers(const CustomerQuery &query) {
  int64_t n = 0;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(db, "SELECT count(*) FROM customers " + CustomerWhereSql());
    if (!ps.ok()) return ps;
    q.Bind(1, query.survey_id)
        .Bind(2, query.email)
        .Bind(3, query.state)
        .Bind(4, SearchPattern(query.search));
    n = q.Step() ? q.Int(0) : 0;
    return q.status();
  });
  if (!s.ok()) return s;
  return n;
}

Result<DeliveryOverview> SqlStore::GetDeliveryOverview(int64_t survey_id, int problems) {
  DeliveryOverview out;
  Status s = Read([&](SqlSession &db) -> Status {
    out = DeliveryOverview();
    Statement counts, recent;
    Status ps =
        PrepareAll(db, {{&counts,
                         "SELECT status, count(*) FROM invitations WHERE survey_id = ?1 "
                         "GROUP BY status "
                         "UNION ALL SELECT 'scheduled', count(*) FROM customers "
                         "WHERE survey_id = ?1 AND pending_due_at IS NOT NULL"},
                        {&recent,
                         "SELECT c.email, i.status, i.last_error, i.updated_at "
                         "FROM invitations i JOIN customers c ON c.id = i.customer_id "
                         "WHERE i.survey_id = ?1 AND i.last_error <> '' "
                         "  AND i.status IN ('retry', 'failed', 'bounced', 'suppressed') "
                         "ORDER BY i.updated_at DESC, i.id DESC LIMIT ?2"}});
    if (!ps.ok()) return ps;
    counts.Bind(1, survey_id);
    while (counts.Step()) {
      const auto status = ParseInvitationStatus(counts.Text(0));
      if (status) out.counts[*status] += counts.Int(1);
    }
    if (!counts.status().ok()) return counts.status();
    recent.Bind(1, survey_id).Bind(2, int64_t{problems});
    while (recent.Step()) {
      DeliveryOverview::Problem p;
      p.email = recent.Text(0);
      p.status =
          ParseInvitationStatus(recent.Text(1)).value_or(InvitationStatus::kFailed);
      p.error = recent.Text(2);
      p.at = recent.Int(3);
      out.recent_problems.push_back(std::move(p));
    }
    return recent.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<SuppressionView>> SqlStore::ListSuppressions(
    const SuppressionQuery &query) {
  std::vector<SuppressionView> out;
  Status s = Read([&](SqlSession &db) -> Status {
    out.clear();
    Statement q;
    Status ps = q.Prepare(db,
                          "SELECT email, reason, created_at FROM suppressions "
                          "WHERE ?1 = '' OR email = ?1 "
                          "ORDER BY created_at DESC, email LIMIT ?2 OFFSET ?3");
    if (!ps.ok()) return ps;
    q.Bind(1, query.email).Bind(2, int64_t{query.limit}).Bind(3, int64_t{query.offset});
    while (q.Step()) {
      SuppressionView v;
      v.email = q.Text(0);
      v.reason = ParseSuppressionReason(q.Text(1)).value_or(SuppressionReason::kBounced);
      v.created_at = q.Int(2);
      out.push_back(std::move(v));
    }
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> SqlStore::CountSuppressions(const SuppressionQuery &query) {
  int64_t n = 0;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps =
        q.Prepare(db, "SELECT count(*) FROM suppressions WHERE ?1 = '' OR email = ?1");
    if (!ps.ok()) return ps;
    q.Bind(1, query.email);
    n = q.Step() ? q.Int(0) : 0;
    return q.status();
  });
  if (!s.ok()) return s;
  return n;
}

Status SqlStore::LiftSuppression(const std::string &email) {
  int64_t changed = 0;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement del;
    // An erased person's suppression is kept under their key, not the address.
    Status ps = del.Prepare(db, "DELETE FROM suppressions WHERE email IN (?1, ?2)");
    if (!ps.ok()) return ps;
    ps = del.Bind(1, email).Bind(2, ErasedEmailKey(email)).Run();
    changed = del.RowsChanged();
    return ps;
  });
  if (!s.ok()) return s;
  if (changed == 0) return Status::NotFound(email + " is not suppressed");
  return Status::Ok();
}

Status SqlStore::PutImage(const std::string &key, const StoredImage &image, int64_t now) {
  return Write([&](SqlSession &db) -> Status {
    Statement insert;
    Status s = insert.Prepare(db,
                              "INSERT INTO images (key, content_type, data, created_at) "
                              "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
    if (!s.ok()) return s;
    return insert.Bind(1, key)
        .Bind(2, image.content_type)
        .BindBlob(3, image.bytes)
        .Bind(4, now)
        .Run();
  });
}

Result<std::optional<StoredImage>> SqlStore::GetImage(const std::string &key) {
  std::optional<StoredImage> found;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(db, "SELECT content_type, data FROM images WHERE key = ?1");
    if (!ps.ok()) return ps;
    q.Bind(1, key);
    if (q.Step()) found = StoredImage{q.Text(0), q.Blob(1)};
    return q.status();
  });
  if (!s.ok()) return s;
  return found;
}

}  // namespace callexa
