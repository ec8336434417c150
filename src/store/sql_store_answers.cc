// SqlStore: the survey pages' side (loading an invitation, answers,
// unsubscribing) and the answers for the admin API.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "policy/customer_state.h"
#include "policy/testimonial_rules.h"
#include "store/answer_json.h"
#include "store/sql_store.h"
#include "store/trait_sql.h"

namespace callexa {
namespace {

using nlohmann::json;

const char kAnswerColumns[] =
    "a.score, a.comment, a.tag_ratings, a.extra_answers, a.consent, a.created_at, "
    "a.answered_at, a.change_seq, a.consent_text";

std::string Dump(const json &j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads kAnswerColumns starting at `first`.
StoredAnswer ReadAnswer(const Statement &q, int first) {
  StoredAnswer a;
  a.answer.score = static_cast<int>(q.Int(first));
  a.answer.comment = q.Text(first + 1);
  a.answer.tag_ratings = ReadTagRatings(q.Text(first + 2));
  a.answer.extra_answers = ReadExtraAnswers(q.Text(first + 3));
  a.answer.consent = q.Int(first + 4) != 0;
  a.created_at = q.Int(first + 5);
  a.answered_at = q.Int(first + 6);
  a.change_seq = q.Int(first + 7);
  a.answer.consent_text = q.Text(first + 8);
  return a;
}

Status InvitationNotFound(int64_t id) {
  return Status::NotFound("invitation " + std::to_string(id) + " not found");
}

}  // namespace

Result<InvitationContext> SqlStore::LoadInvitation(int64_t invitation_id) {
  InvitationContext c;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps =
        q.Prepare(db, std::string("SELECT i.status, i.survey_id, s.name, s.content, "
                                  "c.email, c.first_name, a.invitation_id, ") +
                          kAnswerColumns +
                          " FROM invitations i "
                          "JOIN surveys s ON s.id = i.survey_id "
                          "JOIN customers c ON c.id = i.customer_id "
                          "LEFT JOIN answers a ON a.invitation_id = i.id "
                          "WHERE i.id = ?1");
    if (!ps.ok()) return ps;
    q.Bind(1, invitation_id);
    if (!q.Step()) {
      if (!q.status().ok()) return q.status();
      return InvitationNotFound(invitation_id);
    }
    c.invitation_id = invitation_id;
    c.status = ParseInvitationStatus(q.Text(0)).value_or(InvitationStatus::kFailed);
    c.survey_id = q.Int(1);
    c.survey_name = q.Text(2);
    c.content_json = q.Text(3);
    c.email = q.Text(4);
    c.first_name = q.Text(5);
    if (q.OptionalInt(6)) c.answer = ReadAnswer(q, 7);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return c;
}

Status SqlStore::SaveAnswer(int64_t invitation_id, const Answer &answer, bool score_only,
                            int64_t now) {
  json tags = json::object();
  for (const auto &[name, rating] : answer.tag_ratings) tags[name] = rating;
  json extras = json::object();
  for (const auto &[id, text] : answer.extra_answers) extras[id] = text;
  return Write([&](SqlSession &db) -> Status {
    Statement before, seq, upsert, mark;
    // The counter lives in settings so that it never goes back, even when
    // answers are deleted; it is bumped inside the transaction that uses it.
    Status s = PrepareAll(
        db,
        {{&before, "SELECT comment FROM answers WHERE invitation_id = ?1"},
         {&seq,
          "INSERT INTO settings (name, value) VALUES ('answer_seq', '1') "
          "ON CONFLICT (name) DO UPDATE SET "
          "value = CAST(settings.value AS BIGINT) + 1 RETURNING value"},
         {&upsert,
          "INSERT INTO answers (invitation_id, survey_id, customer_id, score, comment, "
          "tag_ratings, extra_answers, consent, created_at, answered_at, change_seq, "
          "consent_text) "
          "SELECT id, survey_id, customer_id, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?10 "
          "FROM invitations WHERE id = ?1 "
          "ON CONFLICT (invitation_id) DO UPDATE SET score = excluded.score, "
          "comment = CASE WHEN ?9 <> 0 THEN answers.comment ELSE excluded.comment END, "
          "tag_ratings = CASE WHEN ?9 <> 0 THEN answers.tag_ratings ELSE "
          "excluded.tag_ratings END, "
          "extra_answers = CASE WHEN ?9 <> 0 THEN answers.extra_answers ELSE "
          "excluded.extra_answers END, "
          "consent = CASE WHEN ?9 <> 0 THEN answers.consent ELSE excluded.consent END, "
          "consent_text = CASE WHEN ?9 <> 0 THEN answers.consent_text ELSE "
          "excluded.consent_text END, "
          "answered_at = excluded.answered_at, change_seq = excluded.change_seq "
          "RETURNING survey_id, score, comment, consent, consent_text"},
         {&mark,
          "UPDATE invitations SET status = 'answered', answered_at = ?2, "
          "next_attempt_at = NULL, lease_owner = '', updated_at = ?2 "
          "WHERE id = ?1"}});
    if (!s.ok()) return s;
    before.Bind(1, invitation_id);
    const std::optional<std::string> old_comment =
        before.Step() ? std::optional<std::string>(before.Text(0)) : std::nullopt;
    s = before.status();
    before.Reset();
    if (!s.ok()) return s;
    int64_t change_seq = 0;
    if (seq.Step()) change_seq = seq.Int(0);
    seq.Reset();
    if (!seq.status().ok()) return seq.status();
    upsert.Bind(1, invitation_id)
        .Bind(2, int64_t{answer.score})
        .Bind(3, answer.comment)
        .Bind(4, Dump(tags))
        .Bind(5, Dump(extras))
        .Bind(6, int64_t{answer.consent})
        .Bind(7, now)
        .Bind(8, change_seq)
        .Bind(9, int64_t{score_only})
        .Bind(10, answer.consent ? answer.consent_text : std::string());
    if (!upsert.Step()) {
      s = upsert.status();
      upsert.Reset();
      return s.ok() ? InvitationNotFound(invitation_id) : s;
    }
    // The answer as it now stands (a score-only post kept the rest).
    Answer stored;
    const int64_t survey_id = upsert.Int(0);
    stored.score = static_cast<int>(upsert.Int(1));
    stored.comment = upsert.Text(2);
    stored.consent = upsert.Int(3) != 0;
    stored.consent_text = upsert.Text(4);  // the quote's default name follows it
    upsert.Reset();
    s = mark.Bind(1, invitation_id).Bind(2, now).Run();
    if (s.ok()) s = EnqueueWebhookEvents(db, invitation_id, !old_comment, now);
    if (s.ok()) s = QueueAnswerAlert(db, invitation_id, survey_id, stored.score, now);
    if (!s.ok()) return s;
    return QueueTestimonial(
        db, invitation_id, survey_id, stored,
        old_comment && NeedsRemoderation(*old_comment, stored.comment), now);
  });
}

Status SqlStore::RecordReviewClick(int64_t invitation_id, int64_t now) {
  return Write([&](SqlSession &db) -> Status {
    Statement find, click;
    Status s =
        PrepareAll(db, {{&find, "SELECT 1 FROM answers WHERE invitation_id = ?1"},
                        {&click,
                         "UPDATE answers SET review_clicked_at = ?2 "
                         "WHERE invitation_id = ?1 AND review_clicked_at IS NULL"}});
    if (!s.ok()) return s;
    find.Bind(1, invitation_id);
    const bool answered = find.Step();
    if (!find.status().ok()) return find.status();
    find.Reset();
    if (!answered) return Status::NotFound("no answer to invitation");
    return click.Bind(1, invitation_id).Bind(2, now).Run();
  });
}

Status SqlStore::Unsubscribe(int64_t invitation_id, int64_t now) {
  return Write([&](SqlSession &db) -> Status {
    Statement find, suppress, unschedule, cancel;
    // An address that bounced and is now unsubscribed by its owner keeps
    // the stronger reason: the person's own wish.
    Status s =
        PrepareAll(db, {{&find,
                         "SELECT c.email FROM invitations i "
                         "JOIN customers c ON c.id = i.customer_id WHERE i.id = ?1"},
                        {&suppress,
                         "INSERT INTO suppressions (email, reason, created_at) "
                         "VALUES (?1, 'unsubscribed', ?2) "
                         "ON CONFLICT (email) DO UPDATE SET reason = 'unsubscribed', "
                         "created_at = excluded.created_at "
                         "WHERE suppressions.reason <> 'unsubscribed'"},
                        {&unschedule,
                         "UPDATE customers SET pending_due_at = NULL, "
                         "pending_since = NULL, last_decision = 'unsubscribed', "
                         "last_decision_at = ?2 "
                         "WHERE email = ?1 AND pending_due_at IS NOT NULL"},
                        {&cancel,
                         "UPDATE invitations SET status = 'suppressed', "
                         "next_attempt_at = NULL, last_error = 'address unsubscribed', "
                         "updated_at = ?2 "
                         "WHERE status IN ('queued', 'retry') AND customer_id IN "
                         "(SELECT id FROM customers WHERE email = ?1)"}});
    if (!s.ok()) return s;
    find.Bind(1, invitation_id);
    std::string email;
    if (find.Step()) email = find.Text(0);
    find.Reset();
    if (!find.status().ok()) return find.status();
    if (email.empty()) return InvitationNotFound(invitation_id);
    s = suppress.Bind(1, email).Bind(2, now).Run();
    if (s.ok()) s = unschedule.Bind(1, email).Bind(2, now).Run();
    if (s.ok()) s = cancel.Bind(1, email).Bind(2, now).Run();
    return s;
  });
}

Result<std::vector<ResponseView>> SqlStore::ListResponses(const ResponseQuery &query) {
  const TraitSql traits(dialect(), query.traits, 8);  // after ?1..?7
  std::vector<ResponseView> out;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(
        db, std::string("SELECT a.invitation_id, c.email, c.first_name, c.last_name, "
                        "c.name, c.id, ") +
                kAnswerColumns +
                " FROM answers a JOIN customers c ON c.id = a.customer_id "
                "WHERE a.survey_id = ?1 AND (?2 IS NULL OR a.answered_at >= ?2) "
                "AND (?3 IS NULL OR a.answered_at < ?3) AND a.score BETWEEN ?6 AND ?7" +
                traits.Conditions() +
                " ORDER BY a.answered_at DESC, a.invitation_id DESC LIMIT ?4 OFFSET ?5");
    if (!ps.ok()) return ps;
    q.Bind(1, query.survey_id)
        .Bind(2, query.from)
        .Bind(3, query.to)
        .Bind(4, int64_t{query.limit})
        .Bind(5, int64_t{query.offset})
        .Bind(6, int64_t{query.min_score})
        .Bind(7, int64_t{query.max_score});
    traits.Bind(&q);
    while (q.Step()) {
      ResponseView r;
      r.invitation_id = q.Int(0);
      r.email = q.Text(1);
      r.first_name = q.Text(2);
      r.last_name = q.Text(3);
      r.name = q.Text(4);
      r.customer_id = q.Int(5);
      r.answer = ReadAnswer(q, 6);
      out.push_back(std::move(r));
    }
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<CustomerDetail> SqlStore::GetCustomer(int64_t survey_id, int64_t customer_id) {
  CustomerDetail out;
  bool found = false;
  Status s = Read([&](SqlSession &db) -> Status {
    out = CustomerDetail();
    Statement q, inv, answers;
    Status ps = PrepareAll(
        db,
        {{&q,
          "SELECT email, user_id, anonymous_id, first_name, last_name, name, gender, "
          "created_at, first_seen_at, last_seen_at, last_decision, pending_due_at, "
          "pending_since, traits, last_surveyed_at FROM customers "
          "WHERE id = ?1 AND survey_id = ?2"},
         {&inv,
          "SELECT i.id, i.status, i.due_at, i.created_at, i.sent_at, i.answered_at, "
          "i.last_error, r.status, r.sent_at, r.last_error FROM invitations i "
          "LEFT JOIN reminders r ON r.invitation_id = i.id "
          "WHERE i.customer_id = ?1 ORDER BY i.id DESC LIMIT ?2"},
         // The latest answers, read newest first and turned around below.
         {&answers, std::string("SELECT a.invitation_id, ") + kAnswerColumns +
                        " FROM answers a WHERE a.customer_id = ?1 "
                        "ORDER BY a.answered_at DESC, a.invitation_id DESC LIMIT ?2"}});
    if (!ps.ok()) return ps;
    q.Bind(1, customer_id).Bind(2, survey_id);
    found = q.Step();
    if (!found) return q.status();
    CustomerView &c = out.customer;
    c.id = customer_id;
    c.email = q.Text(0);
    c.user_id = q.Text(1);
    c.anonymous_id = q.Text(2);
    c.first_name = q.Text(3);
    c.last_name = q.Text(4);
    c.name = q.Text(5);
    c.gender = q.Text(6);
    c.created_at = q.OptionalInt(7);
    c.first_seen_at = q.Int(8);
    c.last_seen_at = q.Int(9);
    const std::string decision = q.Text(10);
    c.due_at = q.OptionalInt(11);
    if (c.due_at) {
      // Queued without a row yet, as FindCustomers shows it.
      InvitationView pending;
      pending.status = InvitationStatus::kScheduled;
      pending.due_at = *c.due_at;
      pending.created_at = q.OptionalInt(12).value_or(c.last_seen_at);
      c.invitations.push_back(pending);
    }
    out.traits_json = q.Text(13);
    c.last_surveyed_at = q.OptionalInt(14);
    inv.Bind(1, customer_id).Bind(2, int64_t{kCustomerInvitations});
    while (inv.Step()) {
      InvitationView v;
      v.id = inv.Int(0);
      v.status = ParseInvitationStatus(inv.Text(1)).value_or(InvitationStatus::kFailed);
      v.due_at = inv.Int(2);
      v.created_at = inv.Int(3);
      v.sent_at = inv.OptionalInt(4);
      v.answered_at = inv.OptionalInt(5);
      v.last_error = inv.Text(6);
      v.reminder_status = ParseReminderStatus(inv.Text(7));
      v.reminder_sent_at = inv.OptionalInt(8);
      v.reminder_error = inv.Text(9);
      c.invitations.push_back(std::move(v));
    }
    if (!inv.status().ok()) return inv.status();
    CustomerState state = DescribeCustomer(
        decision, c.invitations.empty()
                      ? std::nullopt
                      : std::optional<InvitationStatus>(c.invitations.front().status));
    c.state = std::move(state.state);
    c.reason = std::move(state.reason);
    answers.Bind(1, customer_id).Bind(2, int64_t{kCustomerInvitations});
    while (answers.Step()) {
      ResponseView r;
      r.invitation_id = answers.Int(0);
      r.customer_id = customer_id;
      r.email = c.email;
      r.first_name = c.first_name;
      r.last_name = c.last_name;
      r.name = c.name;
      r.answer = ReadAnswer(answers, 1);
      out.answers.push_back(std::move(r));
    }
    std::reverse(out.answers.begin(), out.answers.end());
    return answers.status();
  });
  if (!s.ok()) return s;
  if (!found) {
    return Status::NotFound("customer " + std::to_string(customer_id) +
                            " not found in survey " + std::to_string(survey_id));
  }
  return out;
}

}  // namespace callexa
