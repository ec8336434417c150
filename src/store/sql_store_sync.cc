// SqlStore: the sync-back's side, leasing due surveys, loading pending
// answers and recording each batch's progress (see store/sync_store.h).
#include <string>
#include <vector>

#include "store/sql_store.h"

namespace callexa {
namespace {

// Surveys with a write key that are due and not leased by someone else,
// most overdue first. A survey without a sync_state row has never run: due.
const char kDueSurveySql[] =
    "SELECT s.id, s.segment_write_key FROM surveys s "
    "LEFT JOIN sync_state st ON st.survey_id = s.id "
    "LEFT JOIN job_leases l ON l.name = 'sync:' || s.id "
    "WHERE s.segment_write_key <> '' "
    "  AND (st.survey_id IS NULL OR st.next_run_at IS NULL OR st.next_run_at <= ?1 "
    "       OR st.run_requested <> 0) "
    "  AND (l.name IS NULL OR l.expires_at <= ?1 OR l.owner = ?2) "
    "ORDER BY coalesce(st.next_run_at, 0), s.id LIMIT 1";

// Customers of a survey with an answer changed after a cursor.
const char kPendingSql[] =
    "SELECT count(DISTINCT customer_id) FROM answers "
    "WHERE survey_id = ?1 AND change_seq > ?2";

std::string LeaseName(int64_t survey_id) { return "sync:" + std::to_string(survey_id); }

const char *OutcomeName(SyncStepRecord::Outcome outcome) {
  switch (outcome) {
    case SyncStepRecord::Outcome::kSent:
      return "sent";
    case SyncStepRecord::Outcome::kRetry:
      return "retry";
    case SyncStepRecord::Outcome::kRejected:
      return "rejected";
    case SyncStepRecord::Outcome::kInterrupted:
      return "interrupted";
  }
  return "retry";
}

// Runs a one-row integer query; 0 when it yields no row.
Result<int64_t> QueryInt(Statement &q) {
  int64_t v = q.Step() ? q.Int(0) : 0;
  Status s = q.status();
  q.Reset();
  if (!s.ok()) return s;
  return v;
}

Result<int64_t> CountPending(SqlSession &db, int64_t survey_id, int64_t cursor_seq) {
  Statement q;
  Status s = q.Prepare(db, kPendingSql);
  if (!s.ok()) return s;
  q.Bind(1, survey_id).Bind(2, cursor_seq);
  return QueryInt(q);
}

}  // namespace

Result<std::optional<SyncWork>> SqlStore::ClaimSyncWork(int64_t now,
                                                        const std::string &owner,
                                                        int64_t lease_seconds,
                                                        int limit) {
  // Most calls find nothing due: answer those without taking the writer lock.
  int64_t any = 0;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement due;
    Status ps = due.Prepare(db, kDueSurveySql);
    if (!ps.ok()) return ps;
    due.Bind(1, now).Bind(2, owner);
    auto found = QueryInt(due);
    if (!found.ok()) return found.status();
    any = *found;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (any == 0) return std::optional<SyncWork>();

  std::optional<SyncWork> work;
  s = Write([&](SqlSession &db) -> Status {
    work.reset();
    Statement due;
    Status ps = due.Prepare(db, kDueSurveySql);
    if (!ps.ok()) return ps;
    due.Bind(1, now).Bind(2, owner);
    if (!due.Step()) {  // another worker took it meanwhile
      Status ds = due.status();
      due.Reset();
      return ds;
    }
    SyncWork w;
    w.survey_id = due.Int(0);
    w.write_key = due.Text(1);
    due.Reset();

    Statement ensure, state, start, lease, items;
    ps = ensure.Prepare(db,
                        "INSERT INTO sync_state (survey_id) VALUES (?1) "
                        "ON CONFLICT DO NOTHING");
    if (ps.ok()) ps = ensure.Bind(1, w.survey_id).Run();
    if (ps.ok()) {
      ps = state.Prepare(db,
                         "SELECT cursor_seq, failures, last_run_started_at IS NULL OR "
                         "last_run_finished_at IS NOT NULL FROM sync_state "
                         "WHERE survey_id = ?1");
    }
    if (!ps.ok()) return ps;
    state.Bind(1, w.survey_id);
    if (state.Step()) {
      w.cursor_seq = state.Int(0);
      w.failures = static_cast<int>(state.Int(1));
      w.run_started = state.Int(2) != 0;
    }
    ps = state.status();
    state.Reset();
    // A run lasts until nothing is pending; a request to run now during a
    // run is served by that run, which also takes the newer answers.
    if (ps.ok()) {
      ps = start.Prepare(db,
                         "UPDATE sync_state SET run_requested = 0, "
                         "last_run_started_at = CASE WHEN ?2 <> 0 THEN ?3 "
                         "  ELSE last_run_started_at END, "
                         "last_run_finished_at = CASE WHEN ?2 <> 0 THEN NULL "
                         "  ELSE last_run_finished_at END "
                         "WHERE survey_id = ?1");
    }
    if (ps.ok()) {
      ps = start.Bind(1, w.survey_id).Bind(2, int64_t{w.run_started}).Bind(3, now).Run();
    }
    if (ps.ok()) {
      ps = lease.Prepare(db,
                         "INSERT INTO job_leases (name, owner, expires_at) "
                         "VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
                         "owner = excluded.owner, expires_at = excluded.expires_at");
    }
    if (ps.ok()) {
      ps = lease.Bind(1, LeaseName(w.survey_id))
               .Bind(2, owner)
               .Bind(3, now + lease_seconds)
               .Run();
    }
    // Only each customer's latest answer: an older one that changed after
    // the cursor is superseded by a later change of the same customer,
    // which is pending too.
    if (ps.ok()) {
      ps = items.Prepare(
          db,
          "SELECT a.invitation_id, a.customer_id, a.change_seq, a.answered_at, "
          "       a.score, a.comment, c.user_id, c.anonymous_id "
          "FROM answers a JOIN customers c ON c.id = a.customer_id "
          "WHERE a.survey_id = ?1 AND a.change_seq > ?2 AND a.change_seq = "
          "  (SELECT max(change_seq) FROM answers b WHERE b.customer_id = a.customer_id) "
          "ORDER BY a.change_seq LIMIT ?3");
    }
    if (!ps.ok()) return ps;
    items.Bind(1, w.survey_id).Bind(2, w.cursor_seq).Bind(3, int64_t{limit});
    while (items.Step()) {
      SyncItem item;
      item.invitation_id = items.Int(0);
      item.customer_id = items.Int(1);
      item.change_seq = items.Int(2);
      item.answered_at = items.Int(3);
      item.score = static_cast<int>(items.Int(4));
      item.comment = items.Text(5);
      item.user_id = items.Text(6);
      item.anonymous_id = items.Text(7);
      w.items.push_back(std::move(item));
    }
    if (!items.status().ok()) return items.status();
    auto pending = CountPending(db, w.survey_id, w.cursor_seq);
    if (!pending.ok()) return pending.status();
    w.pending = *pending;
    work = std::move(w);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return work;
}

Status SqlStore::FinishSyncStep(const SyncStepRecord &r, const std::string &owner,
                                int64_t now) {
  return Write([&](SqlSession &db) -> Status {
    Statement update, release;
    Status s;
    if (r.outcome == SyncStepRecord::Outcome::kInterrupted) {
      // The claim cleared a "run now" request, and a run that began on
      // request may not be due by its schedule for a day: ask again, so the
      // next worker (after a reload) goes on at once.
      s = update.Prepare(db,
                         "UPDATE sync_state SET run_requested = 1 WHERE survey_id = ?1");
      if (s.ok()) s = update.Bind(1, r.survey_id).Run();
      if (!s.ok()) return s;
    } else {
      // ?2 outcome, ?8 run complete. A batch that leaves more pending keeps
      // the survey due.
      std::string sql = "UPDATE sync_state SET cursor_seq = CASE WHEN ?2 = 'sent' THEN " +
                        dialect().Greatest("cursor_seq", "?3") + " ELSE cursor_seq END, ";
      sql +=
          "messages_sent = messages_sent + ?4, "
          "messages_skipped = messages_skipped + ?5, "
          "requests_made = requests_made + ?6, "
          "failures = CASE WHEN ?2 = 'retry' THEN failures + 1 ELSE 0 END, "
          "last_error = ?7, "
          "next_run_at = CASE WHEN ?2 = 'sent' AND ?8 = 0 THEN ?9 ELSE ?10 END, "
          "last_success_at = CASE WHEN ?2 = 'sent' AND ?8 <> 0 THEN ?9 "
          "  ELSE last_success_at END, "
          "last_run_finished_at = CASE WHEN (?2 = 'sent' AND ?8 <> 0) OR ?2 = 'rejected' "
          "  THEN ?9 ELSE last_run_finished_at END "
          "WHERE survey_id = ?1";
      s = update.Prepare(db, sql);
      if (s.ok()) {
        s = update.Bind(1, r.survey_id)
                .Bind(2, OutcomeName(r.outcome))
                .Bind(3, r.cursor_seq)
                .Bind(4, r.messages_sent)
                .Bind(5, r.messages_skipped)
                .Bind(6, r.requests_made)
                .Bind(7, r.error)
                .Bind(8, int64_t{r.run_complete})
                .Bind(9, now)
                .Bind(10, r.next_run_at)
                .Run();
      }
      if (!s.ok()) return s;
    }
    s = release.Prepare(db, "DELETE FROM job_leases WHERE name = ?1 AND owner = ?2");
    if (s.ok()) s = release.Bind(1, LeaseName(r.survey_id)).Bind(2, owner).Run();
    return s;
  });
}

Result<SyncStatus> SqlStore::GetSyncStatus(int64_t survey_id) {
  std::optional<SyncStatus> found;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status qs = q.Prepare(
        db,
        "SELECT s.segment_write_key <> '', st.last_run_started_at, "
        "       st.last_run_finished_at, st.last_success_at, st.next_run_at, "
        "       coalesce(st.cursor_seq, 0), coalesce(st.messages_sent, 0), "
        "       coalesce(st.messages_skipped, 0), coalesce(st.requests_made, 0), "
        "       coalesce(st.failures, 0), coalesce(st.last_error, ''), "
        "       coalesce(st.run_requested, 0) "
        "FROM surveys s LEFT JOIN sync_state st ON st.survey_id = s.id WHERE s.id = ?1");
    if (!qs.ok()) return qs;
    q.Bind(1, survey_id);
    if (q.Step()) {
      SyncStatus st;
      st.survey_id = survey_id;
      st.enabled = q.Int(0) != 0;
      st.last_run_started_at = q.OptionalInt(1);
      st.last_run_finished_at = q.OptionalInt(2);
      st.last_success_at = q.OptionalInt(3);
      st.next_run_at = q.OptionalInt(4);
      st.cursor_seq = q.Int(5);
      st.messages_sent = q.Int(6);
      st.messages_skipped = q.Int(7);
      st.requests_made = q.Int(8);
      st.failures = static_cast<int>(q.Int(9));
      st.last_error = q.Text(10);
      st.run_requested = q.Int(11) != 0;
      st.running = st.last_run_started_at && !st.last_run_finished_at;
      found = std::move(st);
    }
    qs = q.status();
    q.Reset();
    if (!qs.ok() || !found) return qs;
    auto pending = CountPending(db, survey_id, found->cursor_seq);
    if (!pending.ok()) return pending.status();
    found->pending = *pending;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!found)
    return Status::NotFound("survey " + std::to_string(survey_id) + " not found");
  return *found;
}

Status SqlStore::RequestSyncRun(int64_t survey_id) {
  return Write([&](SqlSession &db) -> Status {
    Statement request;
    Status s = request.Prepare(db,
                               "INSERT INTO sync_state (survey_id, run_requested) "
                               "VALUES (?1, 1) ON CONFLICT (survey_id) DO UPDATE SET "
                               "run_requested = 1");
    if (s.ok()) s = request.Bind(1, survey_id).Run();
    return s;
  });
}

}  // namespace callexa
