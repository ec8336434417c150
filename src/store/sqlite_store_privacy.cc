// SqliteStore's PrivacyStore: erasing one person in every survey.
#include <sqlite3.h>

#include "policy/erasure.h"
#include "sql/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace callexa {

Result<ErasureCounts> SqliteStore::ErasePerson(const std::string &email, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  ErasureCounts counts;
  // Children first (testimonials → answers → invitations → customers), so
  // that no foreign key is left dangling at any step.
  const struct {
    const char *sql;
    int64_t *count;
  } deletes[] = {
      {"DELETE FROM testimonials WHERE invitation_id IN (SELECT a.invitation_id FROM "
       "answers a JOIN customers c ON c.id = a.customer_id WHERE c.email = ?1)",
       &counts.testimonials},
      {"DELETE FROM answers WHERE customer_id IN "
       "(SELECT id FROM customers WHERE email = ?1)",
       &counts.answers},
      {"DELETE FROM invitations WHERE customer_id IN "
       "(SELECT id FROM customers WHERE email = ?1)",
       &counts.invitations},
      {"DELETE FROM customers WHERE email = ?1", &counts.customers},
      {"DELETE FROM suppressions WHERE email = ?1", nullptr},
  };
  Status s = InTransaction([&]() -> Status {
    for (const auto &d : deletes) {
      SqliteStatement del;
      Status ps = del.Prepare(db(), d.sql);
      if (ps.ok()) ps = del.Bind(1, email).Run();
      if (!ps.ok()) return ps;
      if (d.count != nullptr) *d.count = sqlite3_changes(db());
    }
    SqliteStatement suppress;
    Status ps = suppress.Prepare(db(),
                                 "INSERT OR REPLACE INTO suppressions (email, reason, "
                                 "created_at) VALUES (?1, 'erased', ?2)");
    if (ps.ok()) ps = suppress.Bind(1, ErasedEmailKey(email)).Bind(2, now).Run();
    return ps;
  });
  if (!s.ok()) return s;
  return counts;
}

Result<int64_t> SqliteStore::DeleteExpiredAnswers(int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  // The cut-off per survey: `now` less its months, by SQLite's calendar.
  constexpr char kExpired[] =
      "SELECT a.invitation_id FROM answers a JOIN surveys s ON s.id = a.survey_id "
      "WHERE s.retention_months IS NOT NULL AND a.answered_at < "
      "CAST(strftime('%s', ?1, 'unixepoch', '-' || s.retention_months || ' months') "
      "AS INTEGER)";
  int64_t deleted = 0;
  Status s = InTransaction([&]() -> Status {
    SqliteStatement quotes, answers;
    Status ps = quotes.Prepare(
        db(), std::string("DELETE FROM testimonials WHERE invitation_id IN (") +
                  kExpired + ")");
    if (ps.ok()) ps = quotes.Bind(1, now).Run();
    if (ps.ok()) {
      ps = answers.Prepare(
          db(),
          std::string("DELETE FROM answers WHERE invitation_id IN (") + kExpired + ")");
    }
    if (ps.ok()) ps = answers.Bind(1, now).Run();
    deleted = sqlite3_changes(db());
    return ps;
  });
  if (!s.ok()) return s;
  return deleted;
}

}  // namespace callexa
