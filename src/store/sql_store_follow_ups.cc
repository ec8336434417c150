// SqlStore's FollowUpStore: the inbox's follow-ups, their threads, and the
// outbox of replies to customers.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/secrets.h"
#include "model/invitation_status.h"
#include "policy/erasure.h"
#include "policy/invitation_rules.h"
#include "store/answer_json.h"
#include "store/sql_store.h"

namespace callexa {
namespace {

// The answer and customer of an invitation, for FollowUpItem.
const char kItemColumns[] =
    "a.invitation_id, c.id, c.email, c.first_name, c.last_name, c.name, a.score, "
    "a.comment, a.tag_ratings, a.extra_answers, a.created_at, a.answered_at";
const char kItemFrom[] = " FROM answers a JOIN customers c ON c.id = a.customer_id ";
const char kFollowUpColumns[] =
    "f.invitation_id, f.survey_id, f.status, f.assignee, f.opened_at, f.opened_by, "
    "f.closed_at, f.updated_at";
const char kEntryColumns[] =
    "id, invitation_id, kind, actor, text, created_at, mail_status, attempts, "
    "next_attempt_at, last_error, sent_at";

void ReadItem(const Statement &q, int first, FollowUpItem *item) {
  item->follow_up.invitation_id = q.Int(first);
  item->customer_id = q.Int(first + 1);
  item->email = q.Text(first + 2);
  item->first_name = q.Text(first + 3);
  item->last_name = q.Text(first + 4);
  item->name = q.Text(first + 5);
  item->answer.answer.score = static_cast<int>(q.Int(first + 6));
  item->answer.answer.comment = q.Text(first + 7);
  item->answer.answer.tag_ratings = ReadTagRatings(q.Text(first + 8));
  item->answer.answer.extra_answers = ReadExtraAnswers(q.Text(first + 9));
  item->answer.created_at = q.Int(first + 10);
  item->answer.answered_at = q.Int(first + 11);
}

FollowUp ReadFollowUp(const Statement &q, int first) {
  FollowUp f;
  f.invitation_id = q.Int(first);
  f.survey_id = q.Int(first + 1);
  f.status = q.Text(first + 2);
  f.assignee = q.Text(first + 3);
  f.opened_at = q.Int(first + 4);
  f.opened_by = q.Text(first + 5);
  f.closed_at = q.OptionalInt(first + 6);
  f.updated_at = q.Int(first + 7);
  return f;
}

FollowUpEntry ReadEntry(const Statement &q) {
  FollowUpEntry e;
  e.id = q.Int(0);
  e.invitation_id = q.Int(1);
  e.kind = q.Text(2);
  e.actor = q.Text(3);
  e.text = q.Text(4);
  e.created_at = q.Int(5);
  e.mail_status = q.Text(6);
  e.attempts = static_cast<int>(q.Int(7));
  e.next_attempt_at = q.OptionalInt(8);
  e.last_error = q.Text(9);
  e.sent_at = q.OptionalInt(10);
  return e;
}

template <typename T>
Status StatusOf(const Result<T> &r) {
  return r.ok() ? Status::Ok() : r.status();
}

Status AnswerNotFound(int64_t invitation_id) {
  return Status::NotFound("no answer for invitation " + std::to_string(invitation_id) +
                          " in this survey");
}

// The customer's address when `invitation_id` is an answered invitation of
// `survey_id`; NotFound otherwise.
Result<std::string> AnsweredEmail(SqlSession &db, int64_t survey_id,
                                  int64_t invitation_id) {
  Statement q;
  Status s =
      q.Prepare(db,
                "SELECT c.email FROM answers a JOIN customers c ON c.id = a.customer_id "
                "WHERE a.invitation_id = ?1 AND a.survey_id = ?2");
  if (!s.ok()) return s;
  q.Bind(1, invitation_id).Bind(2, survey_id);
  if (!q.Step()) return q.status().ok() ? AnswerNotFound(invitation_id) : q.status();
  return q.Text(0);
}

Result<FollowUpEntry> AddEntry(SqlSession &db, int64_t survey_id, int64_t invitation_id,
                               const std::string &kind, const std::string &actor,
                               const std::string &text, int64_t now, bool reply) {
  Statement insert;
  Status s = insert.Prepare(
      db,
      "INSERT INTO follow_up_entries (invitation_id, survey_id, kind, actor, text, "
      "created_at, mail_status, message_id, next_attempt_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 = 1 THEN 'pending' END, ?8, "
      "CASE WHEN ?7 = 1 THEN ?6 END) RETURNING id");
  if (!s.ok()) return s;
  insert.Bind(1, invitation_id)
      .Bind(2, survey_id)
      .Bind(3, kind)
      .Bind(4, actor)
      .Bind(5, text)
      .Bind(6, now)
      .Bind(7, int64_t{reply ? 1 : 0})
      .Bind(8, reply ? RandomHex(16) : std::string());
  if (!insert.Step()) {
    return insert.status().ok() ? Status::IOError("no id for the new entry")
                                : insert.status();
  }
  FollowUpEntry e;
  e.id = insert.Int(0);
  e.invitation_id = invitation_id;
  e.kind = kind;
  e.actor = actor;
  e.text = text;
  e.created_at = now;
  if (reply) {
    e.mail_status = "pending";
    e.next_attempt_at = now;
  }
  return e;
}

// Opens the follow-up unless the answer has one, recording who opened it.
Status EnsureOpen(SqlSession &db, int64_t survey_id, int64_t invitation_id,
                  const std::string &actor, int64_t now) {
  Statement open;
  Status s = open.Prepare(
      db,
      "INSERT INTO follow_ups (invitation_id, survey_id, status, assignee, opened_at, "
      "opened_by, updated_at) VALUES (?1, ?2, 'open', '', ?3, ?4, ?3) "
      "ON CONFLICT (invitation_id) DO NOTHING");
  if (s.ok())
    s = open.Bind(1, invitation_id).Bind(2, survey_id).Bind(3, now).Bind(4, actor).Run();
  if (!s.ok() || open.RowsChanged() == 0) return s;
  return StatusOf(
      AddEntry(db, survey_id, invitation_id, "status", actor, "open", now, false));
}

Result<FollowUp> LoadFollowUp(SqlSession &db, int64_t invitation_id) {
  Statement q;
  Status s = q.Prepare(db, std::string("SELECT ") + kFollowUpColumns +
                               " FROM follow_ups f WHERE f.invitation_id = ?1");
  if (!s.ok()) return s;
  q.Bind(1, invitation_id);
  if (!q.Step()) return q.status().ok() ? AnswerNotFound(invitation_id) : q.status();
  return ReadFollowUp(q, 0);
}

const char *ReplyMailStatus(DeliveryRecord::Outcome outcome) {
  switch (outcome) {
    case DeliveryRecord::Outcome::kSent:
      return "sent";
    case DeliveryRecord::Outcome::kRetry:
      return "retry";
    case DeliveryRecord::Outcome::kFailed:
    case DeliveryRecord::Outcome::kBounced:
      break;
  }
  return "failed";
}

}  // namespace

Result<FollowUp> SqlStore::UpdateFollowUp(int64_t survey_id, int64_t invitation_id,
                                          const FollowUpChange &change, int64_t now) {
  FollowUp out;
  Status s = Write([&](SqlSession &db) -> Status {
    Result<std::string> email = AnsweredEmail(db, survey_id, invitation_id);
    if (!email.ok()) return email.status();
    Status ps = EnsureOpen(db, survey_id, invitation_id, change.actor, now);
    if (!ps.ok()) return ps;
    Result<FollowUp> current = LoadFollowUp(db, invitation_id);
    if (!current.ok()) return current.status();
    Statement status, assignee;
    ps = PrepareAll(db, {{&status,
                          "UPDATE follow_ups SET status = ?2, updated_at = ?3, "
                          "closed_at = CASE WHEN ?2 = 'closed' THEN ?3 END "
                          "WHERE invitation_id = ?1"},
                         {&assignee,
                          "UPDATE follow_ups SET assignee = ?2, updated_at = ?3 "
                          "WHERE invitation_id = ?1"}});
    if (!ps.ok()) return ps;
    if (change.status && *change.status != current->status) {
      ps = status.Bind(1, invitation_id).Bind(2, *change.status).Bind(3, now).Run();
      if (ps.ok()) {
        ps = StatusOf(AddEntry(db, survey_id, invitation_id, "status", change.actor,
                               *change.status, now, false));
      }
      if (!ps.ok()) return ps;
    }
    if (change.assignee && *change.assignee != current->assignee) {
      ps = assignee.Bind(1, invitation_id).Bind(2, *change.assignee).Bind(3, now).Run();
      if (ps.ok()) {
        ps = StatusOf(AddEntry(db, survey_id, invitation_id, "assignee", change.actor,
                               *change.assignee, now, false));
      }
      if (!ps.ok()) return ps;
    }
    Result<FollowUp> updated = LoadFollowUp(db, invitation_id);
    if (!updated.ok()) return updated.status();
    out = std::move(updated.value());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<FollowUpEntry> SqlStore::AddFollowUpNote(int64_t survey_id, int64_t invitation_id,
                                                const std::string &actor,
                                                const std::string &text, int64_t now) {
  FollowUpEntry out;
  Status s = Write([&](SqlSession &db) -> Status {
    Result<std::string> email = AnsweredEmail(db, survey_id, invitation_id);
    if (!email.ok()) return email.status();
    Status ps = EnsureOpen(db, survey_id, invitation_id, actor, now);
    if (!ps.ok()) return ps;
    Result<FollowUpEntry> e =
        AddEntry(db, survey_id, invitation_id, "note", actor, text, now, false);
    if (!e.ok()) return e.status();
    out = std::move(e.value());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<FollowUpEntry> SqlStore::QueueReply(int64_t survey_id, int64_t invitation_id,
                                           const std::string &actor,
                                           const std::string &text, int64_t now) {
  FollowUpEntry out;
  Status s = Write([&](SqlSession &db) -> Status {
    Result<std::string> email = AnsweredEmail(db, survey_id, invitation_id);
    if (!email.ok()) return email.status();
    Statement suppressed;
    Status ps = suppressed.Prepare(
        db, "SELECT reason FROM suppressions WHERE email = ?1 OR email = ?2");
    if (!ps.ok()) return ps;
    suppressed.Bind(1, *email).Bind(2, ErasedEmailKey(*email));
    if (suppressed.Step()) {
      const std::string reason = suppressed.Text(0);
      return Status::Conflict(reason == "erased"
                                  ? "this person's data was erased: no reply can be sent"
                                  : "the customer's address is suppressed (" + reason +
                                        "): no reply can be sent");
    }
    if (!suppressed.status().ok()) return suppressed.status();
    ps = EnsureOpen(db, survey_id, invitation_id, actor, now);
    if (!ps.ok()) return ps;
    Result<FollowUpEntry> e =
        AddEntry(db, survey_id, invitation_id, "reply", actor, text, now, true);
    if (!e.ok()) return e.status();
    out = std::move(e.value());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<FollowUpItem>> SqlStore::ListFollowUps(const FollowUpQuery &query) {
  std::vector<FollowUpItem> out;
  Status s = Read([&](SqlSession &db) -> Status {
    out.clear();
    Statement q;
    Status ps = q.Prepare(
        db, std::string("SELECT ") + kFollowUpColumns + ", " + kItemColumns + kItemFrom +
                "JOIN follow_ups f ON f.invitation_id = a.invitation_id "
                "WHERE f.survey_id = ?1 AND (?2 = '' OR f.status = ?2) "
                "ORDER BY CASE WHEN f.status = 'open' AND a.score <= 6 THEN 0 "
                "WHEN f.status = 'open' THEN 1 ELSE 2 END, "
                "a.answered_at DESC, a.invitation_id DESC LIMIT ?3 OFFSET ?4");
    if (!ps.ok()) return ps;
    q.Bind(1, query.survey_id)
        .Bind(2, query.status)
        .Bind(3, int64_t{query.limit})
        .Bind(4, int64_t{query.offset});
    while (q.Step()) {
      FollowUpItem item;
      ReadItem(q, 8, &item);
      item.follow_up = ReadFollowUp(q, 0);
      out.push_back(std::move(item));
    }
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::map<int64_t, FollowUp>> SqlStore::GetFollowUps(
    int64_t survey_id, const std::vector<int64_t> &invitation_ids) {
  std::map<int64_t, FollowUp> out;
  if (invitation_ids.empty()) return out;
  const int64_t lo = *std::min_element(invitation_ids.begin(), invitation_ids.end());
  const int64_t hi = *std::max_element(invitation_ids.begin(), invitation_ids.end());
  Status s = Read([&](SqlSession &db) -> Status {
    out.clear();
    Statement q;
    // One range read; the few rows between the ids asked for are dropped.
    Status ps = q.Prepare(db, std::string("SELECT ") + kFollowUpColumns +
                                  " FROM follow_ups f WHERE f.survey_id = ?1 "
                                  "AND f.invitation_id BETWEEN ?2 AND ?3");
    if (!ps.ok()) return ps;
    q.Bind(1, survey_id).Bind(2, lo).Bind(3, hi);
    while (q.Step()) {
      FollowUp f = ReadFollowUp(q, 0);
      if (std::find(invitation_ids.begin(), invitation_ids.end(), f.invitation_id) !=
          invitation_ids.end()) {
        out.emplace(f.invitation_id, std::move(f));
      }
    }
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<FollowUpItem> SqlStore::GetFollowUpItem(int64_t survey_id, int64_t invitation_id,
                                               std::optional<FollowUp> *follow_up,
                                               std::vector<FollowUpEntry> *thread) {
  FollowUpItem out;
  Status s = Read([&](SqlSession &db) -> Status {
    follow_up->reset();
    thread->clear();
    Statement item, entries;
    Status ps =
        PrepareAll(db, {{&item, std::string("SELECT ") + kItemColumns + kItemFrom +
                                    "WHERE a.invitation_id = ?1 AND a.survey_id = ?2"},
                        {&entries, std::string("SELECT ") + kEntryColumns +
                                       " FROM follow_up_entries WHERE invitation_id = ?1 "
                                       "AND survey_id = ?2 ORDER BY id"}});
    if (!ps.ok()) return ps;
    item.Bind(1, invitation_id).Bind(2, survey_id);
    if (!item.Step()) {
      return item.status().ok() ? AnswerNotFound(invitation_id) : item.status();
    }
    ReadItem(item, 0, &out);
    Result<FollowUp> f = LoadFollowUp(db, invitation_id);
    if (f.ok()) {
      out.follow_up = *f;
      *follow_up = std::move(f.value());
    } else if (f.status().code() != Status::Code::kNotFound) {
      return f.status();
    }
    entries.Bind(1, invitation_id).Bind(2, survey_id);
    while (entries.Step()) thread->push_back(ReadEntry(entries));
    return entries.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<FollowUpSummary> SqlStore::SummarizeFollowUps(int64_t survey_id, int64_t from,
                                                     int64_t to) {
  FollowUpSummary out;
  Status s = Read([&](SqlSession &db) -> Status {
    out = FollowUpSummary();
    Statement open, closed;
    // The durations in order, the median taken here: neither backend's
    // SQL has one that the other shares.
    Status ps = PrepareAll(
        db, {{&open,
              "SELECT count(*) FROM follow_ups WHERE survey_id = ?1 AND status = 'open'"},
             {&closed,
              "SELECT closed_at - opened_at FROM follow_ups WHERE survey_id = ?1 "
              "AND status = 'closed' AND closed_at >= ?2 AND closed_at < ?3 "
              "ORDER BY 1"}});
    if (!ps.ok()) return ps;
    open.Bind(1, survey_id);
    if (open.Step()) out.open = open.Int(0);
    if (!open.status().ok()) return open.status();
    std::vector<int64_t> durations;
    closed.Bind(1, survey_id).Bind(2, from).Bind(3, to);
    while (closed.Step()) durations.push_back(closed.Int(0));
    if (!closed.status().ok()) return closed.status();
    out.closed_in_period = static_cast<int64_t>(durations.size());
    if (!durations.empty()) {
      const size_t mid = durations.size() / 2;
      out.median_seconds_to_close = durations.size() % 2 == 1
                                        ? durations[mid]
                                        : (durations[mid - 1] + durations[mid]) / 2;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<ReplyClaim>> SqlStore::ClaimDueReplies(int64_t now, int limit,
                                                          int64_t lease_seconds,
                                                          const std::string &owner) {
  std::vector<ReplyClaim> claims;
  Status s = Write([&](SqlSession &db) -> Status {
    claims.clear();
    Statement work, lease, close;
    Status ps = PrepareAll(
        db,
        {{&work,
          "SELECT e.id, e.invitation_id, e.survey_id, e.attempts, e.message_id, e.text, "
          "       c.email, c.first_name, c.last_name, c.name, i.message_id, s.content, "
          "       s.reply_to, (SELECT reason FROM suppressions WHERE email = c.email) "
          "FROM follow_up_entries e JOIN invitations i ON i.id = e.invitation_id "
          "  JOIN customers c ON c.id = i.customer_id JOIN surveys s ON s.id = "
          "e.survey_id "
          "WHERE e.kind = 'reply' AND e.mail_status IN ('pending', 'retry') "
          "  AND e.next_attempt_at <= ?1 "
          "  AND (e.lease_until IS NULL OR e.lease_until <= ?1) "
          "ORDER BY e.next_attempt_at, e.id LIMIT ?2"},
         {&lease,
          "UPDATE follow_up_entries SET attempts = ?2, lease_owner = ?3, "
          "lease_until = ?4 WHERE id = ?1"},
         // Suppressed since it was queued: it is not sent.
         {&close,
          "UPDATE follow_up_entries SET mail_status = 'failed', next_attempt_at = NULL, "
          "last_error = ?2 WHERE id = ?1"}});
    if (!ps.ok()) return ps;
    std::vector<std::pair<ReplyClaim, std::optional<SuppressionReason>>> found;
    work.Bind(1, now).Bind(2, int64_t{limit});
    while (work.Step()) {
      ReplyClaim c;
      c.entry_id = work.Int(0);
      c.invitation_id = work.Int(1);
      c.survey_id = work.Int(2);
      c.attempts = static_cast<int>(work.Int(3)) + 1;
      c.message_id = work.Text(4);
      c.text = work.Text(5);
      c.email = work.Text(6);
      c.first_name = work.Text(7);
      c.last_name = work.Text(8);
      c.name = work.Text(9);
      c.survey_message_id = work.Text(10);
      c.survey_content_json = work.Text(11);
      c.reply_to = work.Text(12);
      found.emplace_back(std::move(c), ParseSuppressionReason(work.Text(13)));
    }
    if (!work.status().ok()) return work.status();
    for (auto &[claim, suppression] : found) {
      if (suppression) {
        ps = close.Bind(1, claim.entry_id)
                 .Bind(2, SuppressedAtClaimNote(*suppression))
                 .Run();
        if (!ps.ok()) return ps;
        continue;
      }
      ps = lease.Bind(1, claim.entry_id)
               .Bind(2, int64_t{claim.attempts})
               .Bind(3, owner)
               .Bind(4, now + lease_seconds)
               .Run();
      if (!ps.ok()) return ps;
      claims.push_back(std::move(claim));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return claims;
}

Status SqlStore::RecordReplies(const std::vector<DeliveryRecord> &records, int64_t now,
                               const std::string &owner) {
  if (records.empty()) return Status::Ok();
  return Write([&](SqlSession &db) -> Status {
    Statement update, suppress;
    Status s = PrepareAll(
        db,
        {{&update,
          "UPDATE follow_up_entries SET mail_status = ?2, next_attempt_at = ?3, "
          "last_error = ?4, sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END, "
          "lease_owner = NULL, lease_until = NULL "
          "WHERE id = ?1 AND kind = 'reply' AND mail_status IN ('pending', 'retry') "
          "  AND lease_owner = ?6 AND attempts = ?7"},
         {&suppress,
          "INSERT INTO suppressions (email, reason, created_at) "
          "SELECT c.email, ?3, ?2 FROM follow_up_entries e "
          "JOIN invitations i ON i.id = e.invitation_id "
          "JOIN customers c ON c.id = i.customer_id WHERE e.id = ?1 "
          "ON CONFLICT DO NOTHING"}});
    if (!s.ok()) return s;
    for (const DeliveryRecord &r : records) {
      s = update.Bind(1, r.invitation_id)
              .Bind(2, ReplyMailStatus(r.outcome))
              .Bind(3, NextAttemptAfter(r))
              .Bind(4, r.error)
              .Bind(5, now)
              .Bind(6, owner)
              .Bind(7, int64_t{r.attempt})
              .Run();
      if (!s.ok()) return s;
      const std::optional<SuppressionReason> suppression = SuppressionAfter(r.outcome);
      if (update.RowsChanged() > 0 && suppression) {
        s = suppress.Bind(1, r.invitation_id)
                .Bind(2, now)
                .Bind(3, SuppressionReasonName(*suppression))
                .Run();
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  });
}

}  // namespace callexa
