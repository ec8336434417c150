// SqlStore: duplicating, archiving and deleting a survey.
#include <set>
#include <string>
#include <string_view>

#include "common/secrets.h"
#include "policy/api_key.h"
#include "store/sql_store.h"

namespace callexa {
namespace {

// The uploaded images a survey's content links to ("…/logo/<sha256>.png"):
// 64 hex digits, a dot and an extension, as image keys are.
std::set<std::string> ImageKeysIn(std::string_view content) {
  std::set<std::string> keys;
  constexpr std::string_view kLogo = "logo/";
  for (size_t at = content.find(kLogo); at != std::string_view::npos;
       at = content.find(kLogo, at + 1)) {
    const size_t begin = at + kLogo.size();
    size_t end = begin;
    while (end < content.size() &&
           ((content[end] >= '0' && content[end] <= '9') ||
            (content[end] >= 'a' && content[end] <= 'z') || content[end] == '.')) {
      ++end;
    }
    const std::string_view key = content.substr(begin, end - begin);
    if (key.size() > 65 && key[64] == '.' &&
        key.substr(0, 64).find_first_not_of("0123456789abcdef") == std::string::npos) {
      keys.emplace(key);
    }
  }
  return keys;
}

}  // namespace

Result<Survey> SqlStore::DuplicateSurvey(int64_t id, const std::string &name,
                                         int64_t now) {
  const std::string public_id = RandomHex(8);
  const std::string key = NewApiKey();
  Result<Survey> out = Status::NotFound("survey " + std::to_string(id) + " not found");
  Status s = Write([&](SqlSession &db) -> Status {
    Statement insert;
    Status ps = insert.Prepare(
        db,
        "INSERT INTO surveys (public_id, api_key, key_prefix, name, min_delay_days, "
        "max_delay_days, resurvey_interval_days, automation, segment_write_key, "
        "monthly_budget, content, embed_origins, retention_months, report_frequency, "
        "report_recipients, alerts, reply_to, reminder_after_days, send_window, "
        "created_at, updated_at) "
        "SELECT ?2, ?3, ?4, ?5, min_delay_days, max_delay_days, resurvey_interval_days, "
        "0, segment_write_key, monthly_budget, content, embed_origins, retention_months, "
        "report_frequency, report_recipients, alerts, reply_to, reminder_after_days, "
        "send_window, ?6, ?6 FROM surveys "
        "WHERE id = ?1 "
        "RETURNING id");
    if (!ps.ok()) return ps;
    insert.Bind(1, id)
        .Bind(2, public_id)
        .Bind(3, key)
        .Bind(4, ApiKeyPrefix(key))
        .Bind(5, name)
        .Bind(6, now);
    const bool copied = insert.Step();
    const int64_t copy = copied ? insert.Int(0) : 0;
    ps = insert.status();
    insert.Reset();
    if (!ps.ok() || !copied) return ps;
    out = LoadSurvey(db, copy);
    return out.ok() ? Status::Ok() : out.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<Survey> SqlStore::SetSurveyArchived(int64_t id, bool archived, int64_t now) {
  int64_t changed = 0;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement update;
    // Archiving switches the automation off; restoring leaves it off, for
    // the owner to switch on knowingly.
    Status ps = update.Prepare(
        db,
        "UPDATE surveys SET archived_at = CASE WHEN ?2 = 1 THEN "
        "coalesce(archived_at, ?3) ELSE NULL END, "
        "automation = CASE WHEN ?2 = 1 THEN 0 ELSE automation END, updated_at = ?3 "
        "WHERE id = ?1");
    if (!ps.ok()) return ps;
    ps = update.Bind(1, id).Bind(2, int64_t{archived}).Bind(3, now).Run();
    changed = update.RowsChanged();
    return ps;
  });
  if (!s.ok()) return s;
  if (changed == 0)
    return Status::NotFound("survey " + std::to_string(id) + " not found");
  return GetSurvey(id);
}

Result<SurveyDeletion> SqlStore::DeleteSurvey(int64_t id) {
  SurveyDeletion counts;
  bool found = false;
  // Children first, so that no foreign key is left dangling at any step.
  const struct {
    const char *sql;
    int64_t SurveyDeletion::*count;
  } deletes[] = {
      {"DELETE FROM testimonials WHERE survey_id = ?1", &SurveyDeletion::testimonials},
      {"DELETE FROM answer_alerts WHERE survey_id = ?1", nullptr},
      {"DELETE FROM follow_up_entries WHERE survey_id = ?1", nullptr},
      {"DELETE FROM follow_ups WHERE survey_id = ?1", nullptr},
      {"DELETE FROM reminders WHERE survey_id = ?1", nullptr},
      {"DELETE FROM answers WHERE survey_id = ?1", &SurveyDeletion::answers},
      {"DELETE FROM invitations WHERE survey_id = ?1", &SurveyDeletion::invitations},
      {"DELETE FROM customers WHERE survey_id = ?1", &SurveyDeletion::customers},
      {"DELETE FROM survey_months WHERE survey_id = ?1", nullptr},
      {"DELETE FROM seen_messages WHERE survey_id = ?1", nullptr},
      {"DELETE FROM sync_state WHERE survey_id = ?1", nullptr},
      {"DELETE FROM report_runs WHERE survey_id = ?1", nullptr},
      {"DELETE FROM webhook_deliveries WHERE survey_id = ?1", nullptr},
      {"DELETE FROM webhooks WHERE survey_id = ?1", nullptr},
      // The sync-back job's lease is named after the survey.
      {"DELETE FROM job_leases WHERE name = 'sync:' || ?1", nullptr},
  };
  Status s = Write([&](SqlSession &db) -> Status {
    counts = SurveyDeletion();
    Statement content;
    Status ps = content.Prepare(db, "SELECT content FROM surveys WHERE id = ?1");
    if (!ps.ok()) return ps;
    content.Bind(1, id);
    found = content.Step();
    const std::string stored = found ? content.Text(0) : "";
    ps = content.status();
    content.Reset();
    if (!ps.ok() || !found) return ps;
    for (const auto &d : deletes) {
      Statement del;
      ps = del.Prepare(db, d.sql);
      if (ps.ok()) ps = del.Bind(1, id).Run();
      if (!ps.ok()) return ps;
      if (d.count != nullptr) counts.*d.count = del.RowsChanged();
    }
    // Its logo, unless another survey shows the same image (a duplicate).
    for (const std::string &key : ImageKeysIn(stored)) {
      Statement del;
      ps = del.Prepare(db,
                       "DELETE FROM images WHERE key = ?1 AND NOT EXISTS "
                       "(SELECT 1 FROM surveys WHERE id <> ?2 AND content LIKE ?3)");
      if (ps.ok()) ps = del.Bind(1, key).Bind(2, id).Bind(3, "%" + key + "%").Run();
      if (!ps.ok()) return ps;
      counts.images += del.RowsChanged();
    }
    Statement survey;
    ps = survey.Prepare(db, "DELETE FROM surveys WHERE id = ?1");
    if (ps.ok()) ps = survey.Bind(1, id).Run();
    return ps;
  });
  if (!s.ok()) return s;
  if (!found) return Status::NotFound("survey " + std::to_string(id) + " not found");
  return counts;
}

}  // namespace callexa
