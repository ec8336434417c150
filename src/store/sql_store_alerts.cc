// SqlStore: the alert queue (store/alert_store.h, README "Alerts").
// answer_alerts.due_at is the answer's last change while its alert waited;
// created_at is when it began to wait. The alert step decides from both
// when the answer has settled (alerts/alert_rule.h).
#include <nlohmann/json.hpp>

#include "store/answer_json.h"
#include "store/sql_store.h"

namespace callexa {
namespace {

Status LeaseLost() {
  return Status::Conflict("the alert is no longer leased to this worker");
}

const char *OutcomeStatus(AlertOutcome outcome) {
  switch (outcome) {
    case AlertOutcome::kSent:
      return "sent";
    case AlertOutcome::kFailed:
      return "failed";
    case AlertOutcome::kSkipped:
      return "skipped";
    case AlertOutcome::kRetry:
      break;
  }
  return "due";
}

}  // namespace

AlertSettings ReadAlertSettings(std::string_view stored) {
  AlertSettings out;
  const nlohmann::json v = nlohmann::json::parse(stored, nullptr, false);
  if (!v.is_object()) return out;
  const auto on = v.find("on");
  if (on != v.end() && on->is_string()) {
    out.on = ParseAlertBands(on->get<std::string>()).value_or(AlertBands::kOff);
  }
  const auto recipients = v.find("recipients");
  if (recipients != v.end() && recipients->is_array()) {
    for (const auto &item : *recipients) {
      if (item.is_string()) out.recipients.push_back(item.get<std::string>());
    }
  }
  return out;
}

std::string DumpAlertSettings(const AlertSettings &a) {
  return nlohmann::json{{"on", AlertBandsName(a.on)}, {"recipients", a.recipients}}
      .dump();
}

Status SqlStore::QueueAnswerAlert(SqlSession &db, int64_t invitation_id,
                                  int64_t survey_id, int score, int64_t now) {
  Statement settings, queue, open, unsettle;
  Status s = PrepareAll(
      db,
      {{&settings, "SELECT alerts FROM surveys WHERE id = ?1"},
       // A new alert waits; a waiting one waits again from this change;
       // one skipped (the answer left the band) waits anew; a sent or
       // failed one is never queued again.
       {&queue,
        "INSERT INTO answer_alerts (invitation_id, survey_id, status, due_at, "
        "created_at) VALUES (?1, ?2, 'due', ?3, ?3) "
        "ON CONFLICT (invitation_id) DO UPDATE SET due_at = excluded.due_at, "
        "created_at = CASE WHEN answer_alerts.status = 'skipped' THEN "
        "excluded.created_at ELSE answer_alerts.created_at END, status = 'due' "
        "WHERE answer_alerts.status IN ('due', 'skipped')"},
       // The inbox's follow-up: opened by the alert ('' as opener), left
       // as the owner has it when it exists.
       {&open,
        "INSERT INTO follow_ups (invitation_id, survey_id, status, opened_at, opened_by, "
        "updated_at) VALUES (?1, ?2, 'open', ?3, '', ?3) "
        "ON CONFLICT (invitation_id) DO NOTHING"},
       // Out of the band: a waiting alert still waits for the answer to
       // settle, and the step skips it if it stays out.
       {&unsettle,
        "UPDATE answer_alerts SET due_at = ?2 WHERE invitation_id = ?1 "
        "AND status = 'due'"}});
  if (!s.ok()) return s;
  settings.Bind(1, survey_id);
  std::string stored;
  if (settings.Step()) stored = settings.Text(0);
  s = settings.status();
  settings.Reset();
  if (!s.ok()) return s;
  const AlertSettings alerts = ReadAlertSettings(stored);
  if (AlertsOnScore(alerts.on, score) && !alerts.recipients.empty()) {
    s = queue.Bind(1, invitation_id).Bind(2, survey_id).Bind(3, now).Run();
    if (s.ok()) s = open.Bind(1, invitation_id).Bind(2, survey_id).Bind(3, now).Run();
    return s;
  }
  return unsettle.Bind(1, invitation_id).Bind(2, now).Run();
}

Result<std::vector<AlertClaim>> SqlStore::ClaimSettledAlerts(const std::string &owner,
                                                             const AlertCutoffs &cutoffs,
                                                             int64_t now,
                                                             int64_t lease_seconds,
                                                             int limit) {
  std::vector<AlertClaim> claimed;
  Status s = Write([&](SqlSession &db) -> Status {
    claimed.clear();
    Statement due, lease, load, skip;
    Status ps = PrepareAll(
        db, {{&due,
              "SELECT invitation_id FROM answer_alerts WHERE status = 'due' "
              "AND retry_at <= ?1 AND (lease_until IS NULL OR lease_until <= ?1) "
              "AND (due_at <= ?2 OR created_at <= ?3) ORDER BY due_at, invitation_id "
              "LIMIT ?4"},
             // Rechecked here: a concurrent claimer (PostgreSQL) changes nothing.
             {&lease,
              "UPDATE answer_alerts SET lease_owner = ?2, lease_until = ?3, "
              "attempts = attempts + 1 WHERE invitation_id = ?1 AND status = 'due' "
              "AND (lease_until IS NULL OR lease_until <= ?4) RETURNING attempts"},
             {&load,
              "SELECT a.survey_id, a.customer_id, a.score, a.comment, a.tag_ratings, "
              "a.extra_answers, a.created_at, a.answered_at, c.email, c.first_name, "
              "c.last_name, c.name, c.user_id, c.traits FROM answers a "
              "JOIN customers c ON c.id = a.customer_id WHERE a.invitation_id = ?1"},
             {&skip,
              "UPDATE answer_alerts SET status = 'skipped', lease_owner = NULL, "
              "lease_until = NULL, last_error = 'the answer is gone' "
              "WHERE invitation_id = ?1"}});
    if (!ps.ok()) return ps;
    due.Bind(1, now)
        .Bind(2, cutoffs.quiet_before)
        .Bind(3, cutoffs.queued_before)
        .Bind(4, int64_t{limit});
    std::vector<int64_t> ids;
    while (due.Step()) ids.push_back(due.Int(0));
    ps = due.status();
    due.Reset();
    if (!ps.ok()) return ps;
    for (int64_t id : ids) {
      lease.Bind(1, id).Bind(2, owner).Bind(3, now + lease_seconds).Bind(4, now);
      const bool leased = lease.Step();
      AlertClaim c;
      c.invitation_id = id;
      if (leased) c.attempts = static_cast<int>(lease.Int(0));
      ps = lease.status();
      lease.Reset();
      if (!ps.ok()) return ps;
      if (!leased) continue;
      load.Bind(1, id);
      const bool found = load.Step();
      if (found) {
        c.survey_id = load.Int(0);
        c.customer_id = load.Int(1);
        c.answer.answer.score = static_cast<int>(load.Int(2));
        c.answer.answer.comment = load.Text(3);
        c.answer.answer.tag_ratings = ReadTagRatings(load.Text(4));
        c.answer.answer.extra_answers = ReadExtraAnswers(load.Text(5));
        c.answer.created_at = load.Int(6);
        c.answer.answered_at = load.Int(7);
        c.email = load.Text(8);
        c.first_name = load.Text(9);
        c.last_name = load.Text(10);
        c.name = load.Text(11);
        c.user_id = load.Text(12);
        c.traits_json = load.Text(13);
      }
      ps = load.status();
      load.Reset();
      if (!ps.ok()) return ps;
      if (!found) {
        ps = skip.Bind(1, id).Run();
        if (!ps.ok()) return ps;
        continue;
      }
      claimed.push_back(std::move(c));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return claimed;
}

Status SqlStore::FinishAlert(int64_t invitation_id, const std::string &owner,
                             int attempts, AlertOutcome outcome, const std::string &error,
                             int64_t retry_at, int64_t now) {
  bool changed = false;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement finish;
    Status ps = finish.Prepare(
        db,
        "UPDATE answer_alerts SET status = ?4, lease_owner = NULL, lease_until = NULL, "
        "last_error = ?5, retry_at = ?6, sent_at = CASE WHEN ?4 = 'sent' THEN ?7 "
        "ELSE sent_at END WHERE invitation_id = ?1 AND lease_owner = ?2 "
        "AND attempts = ?3 AND status = 'due'");
    if (!ps.ok()) return ps;
    ps = finish.Bind(1, invitation_id)
             .Bind(2, owner)
             .Bind(3, int64_t{attempts})
             .Bind(4, std::string_view(OutcomeStatus(outcome)))
             .Bind(5, error)
             .Bind(6, outcome == AlertOutcome::kRetry ? retry_at : int64_t{0})
             .Bind(7, now)
             .Run();
    changed = finish.RowsChanged() > 0;
    return ps;
  });
  if (!s.ok()) return s;
  return changed ? Status::Ok() : LeaseLost();
}

}  // namespace callexa
