// SqlStore's ReminderStore: leasing due reminders and recording what
// became of them (README "Reminders"). The rows mirror the invitations'
// lease: next_attempt_at is the lease's expiry while 'sending', lease_owner
// its holder, attempts the fencing token.
#include <optional>
#include <string>
#include <vector>

#include "common/secrets.h"
#include "policy/invitation_rules.h"
#include "policy/reminder_rules.h"
#include "policy/send_window.h"
#include "store/sql_store.h"
#include "survey/survey_links.h"

namespace callexa {
namespace {

// The columns both claim queries and CheckReminder read, in this order; the
// reminder's own columns are NULL for an invitation without one.
constexpr char kReminderColumns[] =
    "i.id, i.survey_id, i.status, i.sent_at, i.answered_at, i.message_id, "
    "s.reminder_after_days, s.automation, s.archived_at, s.content, s.send_window, "
    "c.email, c.first_name, c.last_name, c.name, c.traits, "
    "(SELECT reason FROM suppressions WHERE email = c.email), "
    "r.status, r.attempts, r.message_id";

struct ReminderRow {
  ReminderClaim claim;
  ReminderFacts facts;
  std::string send_window, traits;
};

ReminderRow ReadReminderRow(const Statement &q) {
  ReminderRow row;
  ReminderClaim &c = row.claim;
  ReminderFacts &f = row.facts;
  c.invitation_id = q.Int(0);
  c.survey_id = q.Int(1);
  f.invitation_status =
      ParseInvitationStatus(q.Text(2)).value_or(InvitationStatus::kFailed);
  f.sent_at = q.OptionalInt(3);
  f.answered_at = q.OptionalInt(4);
  c.survey_message_id = q.Text(5);
  if (const auto days = q.OptionalInt(6)) f.reminder_after_days = static_cast<int>(*days);
  f.automation = q.Int(7) != 0;
  f.archived = q.OptionalInt(8).has_value();
  c.survey_content_json = q.Text(9);
  row.send_window = q.Text(10);
  c.email = q.Text(11);
  c.first_name = q.Text(12);
  c.last_name = q.Text(13);
  c.name = q.Text(14);
  row.traits = q.Text(15);
  f.suppression = ParseSuppressionReason(q.Text(16));
  f.reminder = ParseReminderStatus(q.Text(17));
  c.attempts = static_cast<int>(q.OptionalInt(18).value_or(0));
  c.message_id = q.Text(19);
  c.survey_sent_at = f.sent_at.value_or(0);
  // The reminder repeats the survey email's links (survey_links.h), which
  // expire counting from its sending.
  f.links_expire_at = c.survey_sent_at + kAnswerLinkSeconds;
  return row;
}

}  // namespace

Result<std::vector<ReminderClaim>> SqlStore::ClaimDueReminders(int64_t now, int limit,
                                                               int64_t lease_seconds,
                                                               const std::string &owner) {
  std::vector<ReminderClaim> claims;
  Status s = Write([&](SqlSession &db) -> Status {
    claims.clear();
    Statement fresh, open, insert, lease, defer, skip;
    Status ps = PrepareAll(
        db,
        {// Sent, unanswered invitations due a reminder that have none yet.
         // Those past kReminderLateSeconds are left out here already, so a
         // survey switching reminders on costs no scan of its history.
         {&fresh, std::string("SELECT ") + kReminderColumns +
                      " FROM surveys s JOIN invitations i ON i.survey_id = s.id "
                      "  JOIN customers c ON c.id = i.customer_id "
                      "  LEFT JOIN reminders r ON r.invitation_id = i.id "
                      "WHERE s.reminder_after_days IS NOT NULL AND s.automation = 1 "
                      "  AND s.archived_at IS NULL AND i.status = 'sent' "
                      "  AND i.sent_at <= ?1 - s.reminder_after_days * 86400 "
                      "  AND i.sent_at >= ?1 - s.reminder_after_days * 86400 - ?3 "
                      "  AND r.invitation_id IS NULL "
                      "ORDER BY i.sent_at, i.id LIMIT ?2"},
         // Started ones: waiting for a window, retrying, or a lost lease.
         // Paused surveys' ones wait here, not in the batch.
         {&open,
          std::string("SELECT ") + kReminderColumns +
              " FROM reminders r JOIN invitations i ON i.id = r.invitation_id "
              "  JOIN surveys s ON s.id = i.survey_id "
              "  JOIN customers c ON c.id = i.customer_id "
              "WHERE r.status IN ('queued', 'retry', 'sending') "
              "  AND r.next_attempt_at <= ?1 AND s.reminder_after_days IS NOT NULL "
              "  AND s.automation = 1 AND s.archived_at IS NULL "
              "ORDER BY r.next_attempt_at, r.invitation_id LIMIT ?2"},
         {&insert,
          "INSERT INTO reminders (invitation_id, survey_id, status, due_at, attempts, "
          "next_attempt_at, lease_owner, last_error, message_id, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)"},
         {&lease,
          "UPDATE reminders SET status = 'sending', attempts = ?2, "
          "next_attempt_at = ?3, lease_owner = ?4, updated_at = ?5 "
          "WHERE invitation_id = ?1"},
         {&defer,
          "UPDATE reminders SET status = 'queued', next_attempt_at = ?2, "
          "lease_owner = '', updated_at = ?3 WHERE invitation_id = ?1"},
         {&skip,
          "UPDATE reminders SET status = 'skipped', next_attempt_at = NULL, "
          "lease_owner = '', last_error = ?2, updated_at = ?3 WHERE invitation_id = "
          "?1"}});
    if (!ps.ok()) return ps;
    std::vector<ReminderRow> rows;
    for (Statement *q : {&fresh, &open}) {
      q->Bind(1, now).Bind(2, int64_t{limit});
      if (q == &fresh) q->Bind(3, kReminderLateSeconds);
      while (q->Step()) rows.push_back(ReadReminderRow(*q));
      ps = q->status();
      q->Reset();
      if (!ps.ok()) return ps;
    }
    for (ReminderRow &row : rows) {
      ReminderClaim &c = row.claim;
      const bool started = row.facts.reminder.has_value();
      const ReminderDecision d = DecideReminder(row.facts, now);
      if (d.kind == ReminderDecision::Kind::kNotDue) {
        // A started one whose delay the owner lengthened waits for it.
        if (started && d.due_at > now) {
          ps = defer.Bind(1, c.invitation_id).Bind(2, d.due_at).Bind(3, now).Run();
          if (!ps.ok()) return ps;
        }
        continue;
      }
      const bool due = d.kind == ReminderDecision::Kind::kDue;
      // Outside its survey's send window it waits, queued, for the
      // window's opening (spread per invitation), no attempt counted.
      const std::optional<int64_t> deferred =
          due ? SendWindowDeferral(row.send_window, row.traits,
                                   static_cast<uint64_t>(c.invitation_id), now)
              : std::nullopt;
      const bool waits = deferred.has_value();
      const int64_t send_at = deferred.value_or(now);
      if (!started) {
        c.message_id = RandomHex(16);
        c.attempts = due && !waits ? 1 : 0;
        ps = insert.Bind(1, c.invitation_id)
                 .Bind(2, c.survey_id)
                 .Bind(3, !due    ? "skipped"
                          : waits ? "queued"
                                  : "sending")
                 .Bind(4, d.due_at)
                 .Bind(5, int64_t{c.attempts})
                 .Bind(6, !due ? std::nullopt
                               : std::optional<int64_t>(waits ? send_at
                                                              : now + lease_seconds))
                 .Bind(7, due && !waits ? owner : std::string())
                 .Bind(8, due ? std::string() : d.reason)
                 .Bind(9, c.message_id)
                 .Bind(10, now)
                 .Run();
      } else if (!due) {
        ps = skip.Bind(1, c.invitation_id).Bind(2, d.reason).Bind(3, now).Run();
      } else if (waits) {
        ps = defer.Bind(1, c.invitation_id).Bind(2, send_at).Bind(3, now).Run();
      } else {
        c.attempts += 1;
        ps = lease.Bind(1, c.invitation_id)
                 .Bind(2, int64_t{c.attempts})
                 .Bind(3, now + lease_seconds)
                 .Bind(4, owner)
                 .Bind(5, now)
                 .Run();
      }
      if (!ps.ok()) return ps;
      if (due && !waits) {
        c.due_at = d.due_at;
        claims.push_back(std::move(c));
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return claims;
}

Result<ReminderDecision> SqlStore::CheckReminder(int64_t invitation_id, int64_t now) {
  std::optional<ReminderDecision> decision;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(db, std::string("SELECT ") + kReminderColumns +
                                  " FROM reminders r JOIN invitations i "
                                  "  ON i.id = r.invitation_id "
                                  "  JOIN surveys s ON s.id = i.survey_id "
                                  "  JOIN customers c ON c.id = i.customer_id "
                                  "WHERE r.invitation_id = ?1");
    if (!ps.ok()) return ps;
    q.Bind(1, invitation_id);
    if (q.Step()) {
      ReminderRow row = ReadReminderRow(q);
      // The step asks about its own lease: judge it as still open.
      row.facts.reminder = ReminderStatus::kSending;
      decision = DecideReminder(row.facts, now);
    }
    return q.status();
  });
  if (!s.ok()) return s;
  if (!decision) return Status::NotFound("no reminder for this invitation");
  return *decision;
}

Status SqlStore::RecordReminders(const std::vector<ReminderRecord> &records, int64_t now,
                                 const std::string &owner) {
  if (records.empty()) return Status::Ok();
  return Write([&](SqlSession &db) -> Status {
    Statement update, suppress;
    Status s = PrepareAll(
        db, {{&update,
              "UPDATE reminders SET status = ?2, "
              "sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END, "
              "next_attempt_at = ?3, last_error = ?4, "
              "lease_owner = '', updated_at = ?5 "
              "WHERE invitation_id = ?1 AND status = 'sending' AND lease_owner = ?6 "
              "  AND (?7 = 0 OR attempts = ?7)"},
             {&suppress,
              "INSERT INTO suppressions (email, reason, created_at) "
              "SELECT c.email, ?3, ?2 FROM invitations i "
              "JOIN customers c ON c.id = i.customer_id WHERE i.id = ?1 "
              "ON CONFLICT DO NOTHING"}});
    if (!s.ok()) return s;
    for (const ReminderRecord &r : records) {
      const bool retry = r.outcome == ReminderRecord::Outcome::kRetry;
      s = update.Bind(1, r.invitation_id)
              .Bind(2, ReminderStatusName(ReminderStatusAfter(r.outcome)))
              .Bind(3, retry ? std::optional<int64_t>(r.retry_at) : std::nullopt)
              .Bind(4, r.error)
              .Bind(5, now)
              .Bind(6, owner)
              .Bind(7, int64_t{r.attempt})
              .Run();
      if (!s.ok()) return s;
      if (r.outcome == ReminderRecord::Outcome::kBounced && update.RowsChanged() > 0) {
        s = suppress.Bind(1, r.invitation_id)
                .Bind(2, now)
                .Bind(3, SuppressionReasonName(SuppressionReason::kBounced))
                .Run();
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  });
}

}  // namespace callexa
