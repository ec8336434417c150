// SqlStore: the scheduler's side, claiming due invitations with leases
// and recording what became of them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/secrets.h"
#include "common/time_format.h"
#include "policy/invitation_rules.h"
#include "policy/send_window.h"
#include "store/sql_store.h"

namespace callexa {

// Moves due scheduled invitations from the customer rows into invitation
// rows, at most `limit`. The customer counts as surveyed from here on, so
// an identify arriving while the mail is out schedules no second one.
Status SqlStore::PromoteDueInvitations(SqlSession &db, int64_t now, int limit) {
  Statement due, insert, clear;
  Status s = PrepareAll(
      db, {{&due,
            "SELECT c.id, c.survey_id, c.pending_due_at, "
            "       coalesce(c.pending_since, ?1) "
            "FROM customers c JOIN surveys s ON s.id = c.survey_id "
            "WHERE c.pending_due_at IS NOT NULL AND c.pending_due_at <= ?1 "
            "  AND s.automation = 1 "
            "ORDER BY c.pending_due_at LIMIT ?2"},
           {&insert,
            "INSERT INTO invitations (survey_id, customer_id, status, due_at, "
            "created_at, updated_at, next_attempt_at, message_id) "
            "VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?3, ?6)"},
           {&clear,
            "UPDATE customers SET pending_due_at = NULL, pending_since = NULL, "
            "last_surveyed_at = ?2 WHERE id = ?1"}});
  if (!s.ok()) return s;
  struct Due {
    int64_t customer_id, survey_id, due_at, since;
  };
  std::vector<Due> rows;
  due.Bind(1, now).Bind(2, int64_t{limit});
  while (due.Step()) rows.push_back({due.Int(0), due.Int(1), due.Int(2), due.Int(3)});
  if (!due.status().ok()) return due.status();
  for (const Due &d : rows) {
    s = insert.Bind(1, d.survey_id)
            .Bind(2, d.customer_id)
            .Bind(3, d.due_at)
            .Bind(4, d.since)
            .Bind(5, now)
            .Bind(6, RandomHex(16))
            .Run();
    if (s.ok()) s = clear.Bind(1, d.customer_id).Bind(2, now).Run();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status SqlStore::ReleaseInvitation(SqlSession &db, int64_t invitation_id) {
  Statement read, uncount, unsurvey;
  Status s = PrepareAll(
      db,
      {{&read,
        "SELECT survey_id, customer_id, created_at FROM invitations WHERE id = ?1"},
       {&uncount,
        "UPDATE survey_months SET invitations = invitations - 1 "
        "WHERE survey_id = ?1 AND month_start = ?2 AND invitations > 0"},
       // The customer's last survey is then the last email that went out.
       {&unsurvey,
        "UPDATE customers SET last_surveyed_at = "
        "  (SELECT max(sent_at) FROM invitations WHERE customer_id = ?1 AND id <> ?2) "
        "WHERE id = ?1"}});
  if (!s.ok()) return s;
  read.Bind(1, invitation_id);
  if (!read.Step()) return read.status();
  const int64_t survey_id = read.Int(0), customer_id = read.Int(1),
                created_at = read.Int(2);
  s = uncount.Bind(1, survey_id).Bind(2, StartOfMonthUtc(created_at)).Run();
  if (s.ok()) s = unsurvey.Bind(1, customer_id).Bind(2, invitation_id).Run();
  return s;
}

Result<std::vector<DeliveryClaim>> SqlStore::ClaimDueInvitations(
    int64_t now, int limit, int64_t lease_seconds, const std::string &owner) {
  std::vector<DeliveryClaim> claims;
  Status s = Write([&](SqlSession &db) -> Status {
    claims.clear();
    Status ps = PromoteDueInvitations(db, now, limit);
    if (!ps.ok()) return ps;
    Statement work, lease, close, count_takeovers, defer;
    int64_t takeovers = 0;
    ps = PrepareAll(
        db,
        {{&work,
          "SELECT i.id, i.survey_id, i.attempts, i.message_id, i.due_at, c.email, "
          "       c.first_name, c.last_name, c.name, "
          "       (SELECT reason FROM suppressions WHERE email = c.email), s.content, "
          "       i.status = 'sending', s.send_window, "
          "       CASE WHEN s.send_window IS NULL THEN '' ELSE c.traits END "
          "FROM invitations i JOIN customers c ON c.id = i.customer_id "
          "  JOIN surveys s ON s.id = i.survey_id "
          "WHERE i.status IN ('queued', 'retry', 'sending') AND i.next_attempt_at <= ?1 "
          "  AND s.automation = 1 "
          "ORDER BY i.next_attempt_at LIMIT ?2"},
         {&lease,
          "UPDATE invitations SET status = 'sending', attempts = ?2, "
          "next_attempt_at = ?3, lease_owner = ?4, updated_at = ?5 "
          "WHERE id = ?1"},
         {&count_takeovers,
          "INSERT INTO settings (name, value) VALUES ('lease_takeovers', ?1) "
          "ON CONFLICT (name) DO UPDATE SET value = CAST(settings.value AS BIGINT) + ?1"},
         {&close,
          "UPDATE invitations SET status = 'suppressed', "
          "next_attempt_at = NULL, last_error = ?2, updated_at = ?3 "
          "WHERE id = ?1"},
         // Back to waiting, as it was: a retry stays a retry.
         {&defer,
          "UPDATE invitations SET status = CASE WHEN status = 'retry' THEN 'retry' "
          "ELSE 'queued' END, next_attempt_at = ?2, lease_owner = '', updated_at = ?3 "
          "WHERE id = ?1"}});
    if (!ps.ok()) return ps;
    std::vector<std::pair<DeliveryClaim, std::optional<SuppressionReason>>> found;
    work.Bind(1, now).Bind(2, int64_t{limit});
    while (work.Step()) {
      DeliveryClaim c;
      c.invitation_id = work.Int(0);
      c.survey_id = work.Int(1);
      c.attempts = static_cast<int>(work.Int(2)) + 1;
      c.message_id = work.Text(3);
      c.due_at = work.Int(4);
      c.email = work.Text(5);
      c.first_name = work.Text(6);
      c.last_name = work.Text(7);
      c.name = work.Text(8);
      c.survey_content_json = work.Text(10);
      // Its id keys its place in the window's first hour: stable across
      // steps and reloads.
      c.deferred_until = SendWindowDeferral(work.Text(12), work.Text(13),
                                            static_cast<uint64_t>(c.invitation_id), now);
      found.emplace_back(std::move(c), ParseSuppressionReason(work.Text(9)));
      // Still 'sending' past its lease: its sender died or stalled.
      takeovers += work.Int(11);
    }
    if (!work.status().ok()) return work.status();
    if (takeovers > 0) {
      ps = count_takeovers.Bind(1, takeovers).Run();
      if (!ps.ok()) return ps;
    }
    for (auto &[claim, suppression] : found) {
      if (suppression) {
        ps = close.Bind(1, claim.invitation_id)
                 .Bind(2, SuppressedAtClaimNote(*suppression))
                 .Bind(3, now)
                 .Run();
        if (ps.ok()) ps = ReleaseInvitation(db, claim.invitation_id);
        if (!ps.ok()) return ps;
        continue;
      }
      if (claim.deferred_until) {
        ps = defer.Bind(1, claim.invitation_id)
                 .Bind(2, *claim.deferred_until)
                 .Bind(3, now)
                 .Run();
        if (!ps.ok()) return ps;
        claims.push_back(std::move(claim));
        continue;
      }
      ps = lease.Bind(1, claim.invitation_id)
               .Bind(2, int64_t{claim.attempts})
               .Bind(3, now + lease_seconds)
               .Bind(4, owner)
               .Bind(5, now)
               .Run();
      if (!ps.ok()) return ps;
      claims.push_back(std::move(claim));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return claims;
}

Status SqlStore::RecordDeliveries(const std::vector<DeliveryRecord> &records, int64_t now,
                                  const std::string &owner) {
  if (records.empty()) return Status::Ok();
  return Write([&](SqlSession &db) -> Status {
    Statement update, suppress, stamp;
    Status s =
        PrepareAll(db, {{&update,
                         "UPDATE invitations SET status = ?2, "
                         "sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END, "
                         "next_attempt_at = ?3, last_error = ?4, "
                         "lease_owner = '', updated_at = ?5 "
                         "WHERE id = ?1 AND status = 'sending' AND lease_owner = ?6 "
                         "  AND (?7 = 0 OR attempts = ?7)"},
                        {&suppress,
                         "INSERT INTO suppressions (email, reason, created_at) "
                         "SELECT c.email, ?3, ?2 FROM invitations i "
                         "JOIN customers c ON c.id = i.customer_id WHERE i.id = ?1 "
                         "ON CONFLICT DO NOTHING"},
                        // A recipient may answer before the send is recorded (the
                        // server accepted it, the person clicked at once): the
                        // answer keeps its status, the email its time.
                        {&stamp,
                         "UPDATE invitations SET sent_at = ?2 "
                         "WHERE id = ?1 AND status = 'answered' AND sent_at IS NULL"}});
    if (!s.ok()) return s;
    for (const DeliveryRecord &r : records) {
      s = update.Bind(1, r.invitation_id)
              .Bind(2, InvitationStatusName(StatusAfter(r.outcome)))
              .Bind(3, NextAttemptAfter(r))
              .Bind(4, r.error)
              .Bind(5, now)
              .Bind(6, owner)
              .Bind(7, int64_t{r.attempt})
              .Run();
      if (!s.ok()) return s;
      const bool recorded = update.RowsChanged() > 0;
      if (recorded && !CountsAsSurveyed(StatusAfter(r.outcome))) {
        s = ReleaseInvitation(db, r.invitation_id);
        if (!s.ok()) return s;
      }
      const std::optional<SuppressionReason> suppression = SuppressionAfter(r.outcome);
      if (suppression && recorded) {
        s = suppress.Bind(1, r.invitation_id)
                .Bind(2, now)
                .Bind(3, SuppressionReasonName(*suppression))
                .Run();
        if (!s.ok()) return s;
      }
      if (StatusAfter(r.outcome) == InvitationStatus::kSent) {
        s = stamp.Bind(1, r.invitation_id).Bind(2, now).Run();
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  });
}

Result<std::string> SqlStore::TokenSecret() {
  std::lock_guard<std::mutex> lock(secret_mu_);
  if (!token_secret_.empty()) return token_secret_;
  std::string secret;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement insert, read;
    Status ps = insert.Prepare(db,
                               "INSERT INTO settings (name, value) "
                               "VALUES ('token_secret', ?1) ON CONFLICT DO NOTHING");
    if (ps.ok()) ps = insert.Bind(1, RandomHex(32)).Run();
    if (ps.ok()) {
      ps = read.Prepare(db, "SELECT value FROM settings WHERE name = 'token_secret'");
    }
    if (ps.ok() && read.Step()) secret = read.Text(0);
    if (ps.ok()) ps = read.status();
    return ps;
  });
  if (!s.ok()) return s;
  if (secret.size() < 64)
    return Status::IOError("database error", "stored token secret is too short");
  token_secret_ = secret;
  return secret;
}

}  // namespace callexa
