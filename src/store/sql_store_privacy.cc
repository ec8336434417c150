// SqlStore's PrivacyStore: erasing one person in every survey.
#include <ctime>
#include <utility>
#include <vector>

#include "policy/erasure.h"
#include "store/sql_store.h"

namespace callexa {
namespace {

// `now` less `months` calendar months (UTC), counted as SQLite's
// '-N months' modifier counts them: the same day and time of that month, a
// day past its end running on into the next (31 March less one month:
// 3 March, or 2 March in a leap year). timegm normalises just so.
int64_t MonthsBefore(int64_t now, int64_t months) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_mon -= static_cast<int>(months);
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

Result<ErasureCounts> SqlStore::ErasePerson(const std::string &email, int64_t now) {
  ErasureCounts counts;
  // Children first (testimonials → answers → invitations → customers), so
  // that no foreign key is left dangling at any step.
  const struct {
    const char *sql;
    int64_t *count;
  } deletes[] = {
      // The follow-ups of every invitation of theirs: notes and replies too.
      {"DELETE FROM follow_up_entries WHERE invitation_id IN (SELECT i.id FROM "
       "invitations i JOIN customers c ON c.id = i.customer_id WHERE c.email = ?1)",
       nullptr},
      {"DELETE FROM follow_ups WHERE invitation_id IN (SELECT i.id FROM "
       "invitations i JOIN customers c ON c.id = i.customer_id WHERE c.email = ?1)",
       nullptr},
      {"DELETE FROM answer_alerts WHERE invitation_id IN (SELECT i.id FROM "
       "invitations i JOIN customers c ON c.id = i.customer_id WHERE c.email = ?1)",
       nullptr},
      // Webhook events carry the answer and the address in their bodies.
      {"DELETE FROM webhook_deliveries WHERE invitation_id IN (SELECT i.id FROM "
       "invitations i JOIN customers c ON c.id = i.customer_id WHERE c.email = ?1)",
       nullptr},
      {"DELETE FROM reminders WHERE invitation_id IN (SELECT i.id FROM "
       "invitations i JOIN customers c ON c.id = i.customer_id WHERE c.email = ?1)",
       nullptr},
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
  Status s = Write([&](SqlSession &db) -> Status {
    for (const auto &d : deletes) {
      Statement del;
      Status ps = del.Prepare(db, d.sql);
      if (ps.ok()) ps = del.Bind(1, email).Run();
      if (!ps.ok()) return ps;
      if (d.count != nullptr) *d.count = del.RowsChanged();
    }
    Statement suppress;
    Status ps = suppress.Prepare(
        db,
        "INSERT INTO suppressions (email, reason, created_at) VALUES (?1, 'erased', ?2) "
        "ON CONFLICT (email) DO UPDATE SET reason = excluded.reason, "
        "created_at = excluded.created_at");
    if (ps.ok()) ps = suppress.Bind(1, ErasedEmailKey(email)).Bind(2, now).Run();
    return ps;
  });
  if (!s.ok()) return s;
  return counts;
}

Result<int64_t> SqlStore::DeleteExpiredAnswers(int64_t now) {
  int64_t deleted = 0;
  Status s = Write([&](SqlSession &db) -> Status {
    deleted = 0;
    Statement surveys, quotes, entries, follow_ups, alerts, events, reminders, answers;
    Status ps = PrepareAll(
        db,
        {{&surveys,
          "SELECT id, retention_months FROM surveys "
          "WHERE retention_months IS NOT NULL"},
         {&quotes,
          "DELETE FROM testimonials WHERE invitation_id IN "
          "(SELECT invitation_id FROM answers WHERE survey_id = ?1 "
          "AND answered_at < ?2)"},
         {&entries,
          "DELETE FROM follow_up_entries WHERE invitation_id IN "
          "(SELECT invitation_id FROM answers WHERE survey_id = ?1 "
          "AND answered_at < ?2)"},
         {&follow_ups,
          "DELETE FROM follow_ups WHERE invitation_id IN "
          "(SELECT invitation_id FROM answers WHERE survey_id = ?1 "
          "AND answered_at < ?2)"},
         {&alerts,
          "DELETE FROM answer_alerts WHERE invitation_id IN "
          "(SELECT invitation_id FROM answers WHERE survey_id = ?1 "
          "AND answered_at < ?2)"},
         {&events,
          "DELETE FROM webhook_deliveries WHERE invitation_id IN "
          "(SELECT invitation_id FROM answers WHERE survey_id = ?1 "
          "AND answered_at < ?2)"},
         // An expired answer's reminder only counted it "after a reminder".
         {&reminders,
          "DELETE FROM reminders WHERE invitation_id IN "
          "(SELECT invitation_id FROM answers WHERE survey_id = ?1 "
          "AND answered_at < ?2)"},
         {&answers, "DELETE FROM answers WHERE survey_id = ?1 AND answered_at < ?2"}});
    if (!ps.ok()) return ps;
    std::vector<std::pair<int64_t, int64_t>> cutoffs;  // survey id, oldest kept
    while (surveys.Step()) {
      cutoffs.emplace_back(surveys.Int(0), MonthsBefore(now, surveys.Int(1)));
    }
    ps = surveys.status();
    surveys.Reset();
    if (!ps.ok()) return ps;
    for (const auto &[survey_id, cutoff] : cutoffs) {
      ps = quotes.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (ps.ok()) ps = entries.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (ps.ok()) ps = follow_ups.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (ps.ok()) ps = alerts.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (ps.ok()) ps = events.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (ps.ok()) ps = reminders.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (ps.ok()) ps = answers.Bind(1, survey_id).Bind(2, cutoff).Run();
      if (!ps.ok()) return ps;
      deleted += answers.RowsChanged();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return deleted;
}

}  // namespace callexa
