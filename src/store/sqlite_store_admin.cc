// SqliteStore: what the admin's pages show beside the settings (counts,
// the delivery overview, suppressions), and uploaded images.
#include <string>
#include <vector>

#include "policy/erasure.h"
#include "store/sqlite_store.h"

namespace callexa {

Result<std::vector<SurveyCounts>> SqliteStore::CountBySurvey(int64_t month_start) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q;
  Status s =
      q.Prepare(db(),
                "SELECT s.id, "
                "  coalesce((SELECT invitations FROM survey_months m "
                "            WHERE m.survey_id = s.id AND m.month_start = ?1), 0), "
                "  (SELECT count(*) FROM answers a WHERE a.survey_id = s.id) "
                "FROM surveys s ORDER BY s.id");
  if (!s.ok()) return s;
  q.Bind(1, month_start);
  std::vector<SurveyCounts> out;
  while (q.Step()) out.push_back({q.Int(0), q.Int(1), q.Int(2)});
  if (!q.status().ok()) return q.status();
  return out;
}

Result<int64_t> SqliteStore::CountCustomers(const CustomerQuery &query) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q;
  Status s = q.Prepare(db(),
                       "SELECT count(*) FROM customers "
                       "WHERE survey_id = ?1 AND (?2 = '' OR email = ?2)");
  if (!s.ok()) return s;
  q.Bind(1, query.survey_id).Bind(2, query.email);
  const int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return q.status();
  return n;
}

Result<DeliveryOverview> SqliteStore::GetDeliveryOverview(int64_t survey_id,
                                                          int problems) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement counts, recent;
  Status s =
      PrepareAll(db(), {{&counts,
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
  if (!s.ok()) return s;
  DeliveryOverview out;
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
    p.status = ParseInvitationStatus(recent.Text(1)).value_or(InvitationStatus::kFailed);
    p.error = recent.Text(2);
    p.at = recent.Int(3);
    out.recent_problems.push_back(std::move(p));
  }
  if (!recent.status().ok()) return recent.status();
  return out;
}

Result<std::vector<SuppressionView>> SqliteStore::ListSuppressions(
    const SuppressionQuery &query) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q;
  Status s = q.Prepare(db(),
                       "SELECT email, reason, created_at FROM suppressions "
                       "WHERE ?1 = '' OR email = ?1 "
                       "ORDER BY created_at DESC, email LIMIT ?2 OFFSET ?3");
  if (!s.ok()) return s;
  q.Bind(1, query.email).Bind(2, int64_t{query.limit}).Bind(3, int64_t{query.offset});
  std::vector<SuppressionView> out;
  while (q.Step()) {
    SuppressionView v;
    v.email = q.Text(0);
    v.reason = ParseSuppressionReason(q.Text(1)).value_or(SuppressionReason::kBounced);
    v.created_at = q.Int(2);
    out.push_back(std::move(v));
  }
  if (!q.status().ok()) return q.status();
  return out;
}

Result<int64_t> SqliteStore::CountSuppressions(const SuppressionQuery &query) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q;
  Status s =
      q.Prepare(db(), "SELECT count(*) FROM suppressions WHERE ?1 = '' OR email = ?1");
  if (!s.ok()) return s;
  q.Bind(1, query.email);
  const int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return q.status();
  return n;
}

Status SqliteStore::LiftSuppression(const std::string &email) {
  std::lock_guard<std::mutex> lock(mu_);
  int changed = 0;
  Status s = InTransaction([&]() -> Status {
    SqliteStatement del;
    // An erased person's suppression is kept under their key, not the address.
    Status ps = del.Prepare(db(), "DELETE FROM suppressions WHERE email IN (?1, ?2)");
    if (ps.ok()) ps = del.Bind(1, email).Bind(2, ErasedEmailKey(email)).Run();
    changed = sqlite3_changes(db());
    return ps;
  });
  if (!s.ok()) return s;
  if (changed == 0) return Status::NotFound(email + " is not suppressed");
  return Status::Ok();
}

Status SqliteStore::PutImage(const std::string &key, const StoredImage &image,
                             int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction([&]() -> Status {
    SqliteStatement insert;
    Status s = insert.Prepare(db(),
                              "INSERT OR IGNORE INTO images (key, content_type, data, "
                              "created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!s.ok()) return s;
    return insert.Bind(1, key)
        .Bind(2, image.content_type)
        .BindBlob(3, image.bytes)
        .Bind(4, now)
        .Run();
  });
}

Result<std::optional<StoredImage>> SqliteStore::GetImage(const std::string &key) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q;
  Status s = q.Prepare(db(), "SELECT content_type, data FROM images WHERE key = ?1");
  if (!s.ok()) return s;
  q.Bind(1, key);
  std::optional<StoredImage> found;
  if (q.Step()) found = StoredImage{q.Text(0), q.Blob(1)};
  if (!q.status().ok()) return q.status();
  return found;
}

}  // namespace callexa
