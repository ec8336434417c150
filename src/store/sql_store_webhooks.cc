// SqlStore's WebhookStore: the owner's webhooks, their queues of events
// (enqueued with the answer that makes them), and the delivery job's leases.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "policy/webhook_retry.h"
#include "store/sql_store.h"
#include "webhooks/webhook_event.h"
#include "webhooks/webhook_signature.h"

namespace callexa {
namespace {

using nlohmann::json;

const char kWebhookColumns[] =
    "id, survey_id, url, events, format, secret, created_at, failing_since, "
    "disabled_at, disabled_reason";

Webhook ReadWebhook(const Statement &q) {
  Webhook w;
  w.id = q.Int(0);
  w.survey_id = q.Int(1);
  w.url = q.Text(2);
  const json events = json::parse(q.Text(3), nullptr, false);
  if (events.is_array()) {
    for (const json &e : events) {
      if (e.is_string()) w.events.push_back(e.get<std::string>());
    }
  }
  w.format = q.Text(4);
  w.secret = q.Text(5);
  w.created_at = q.Int(6);
  w.failing_since = q.OptionalInt(7);
  w.disabled_at = q.OptionalInt(8);
  w.disabled_reason = q.Text(9);
  return w;
}

Status WebhookNotFound(int64_t id) {
  return Status::NotFound("webhook " + std::to_string(id) + " not found");
}

const char *BandOf(int score) {
  return score <= 6 ? "detractor" : score <= 8 ? "passive" : "promoter";
}

json ParseObject(const std::string &text) {
  json j = json::parse(text, nullptr, false);
  return j.is_object() ? j : json::object();
}

// The bodies of one event in each format, each built once however many
// webhooks take it.
class EventBodies {
 public:
  EventBodies(std::string_view type, int64_t now, const WebhookAnswerFacts &facts)
      : type_(type), now_(now), facts_(facts) {}
  const std::string &For(const std::string &format) {
    if (format == "slack") {
      if (slack_.empty()) slack_ = SlackEventBody(type_, facts_);
      return slack_;
    }
    if (standard_.empty()) standard_ = StandardEventBody(type_, now_, facts_);
    return standard_;
  }

 private:
  std::string_view type_;
  int64_t now_;
  const WebhookAnswerFacts &facts_;
  std::string standard_, slack_;
};

Status InsertDelivery(Statement &insert, int64_t webhook_id, int64_t survey_id,
                      std::optional<int64_t> invitation_id, const std::string &event_id,
                      std::string_view type, const std::string &payload, int64_t now) {
  return insert.Bind(1, webhook_id)
      .Bind(2, survey_id)
      .Bind(3, invitation_id)
      .Bind(4, event_id)
      .Bind(5, type)
      .Bind(6, payload)
      .Bind(7, now)
      .Run();
}

const char kInsertDelivery[] =
    "INSERT INTO webhook_deliveries (webhook_id, survey_id, invitation_id, event_id, "
    "type, payload, status, attempts, next_attempt_at, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7)";

}  // namespace

void SqlStore::SetAdminUrl(std::string admin_url) { admin_url_ = std::move(admin_url); }

Status SqlStore::EnqueueWebhookEvents(SqlSession &db, int64_t invitation_id, bool created,
                                      int64_t now) {
  const std::string_view type =
      created ? kWebhookResponseCreated : kWebhookResponseUpdated;
  Statement hooks, facts, insert;
  Status s = PrepareAll(
      db, {{&hooks,
            "SELECT w.id, w.events, w.format FROM webhooks w "
            "JOIN invitations i ON i.survey_id = w.survey_id "
            "WHERE i.id = ?1 AND w.disabled_at IS NULL ORDER BY w.id"},
           {&facts,
            "SELECT a.survey_id, a.score, a.comment, a.tag_ratings, a.extra_answers, "
            "a.answered_at, c.email, c.first_name, c.last_name, c.user_id, s.name "
            "FROM answers a JOIN customers c ON c.id = a.customer_id "
            "JOIN surveys s ON s.id = a.survey_id WHERE a.invitation_id = ?1"},
           {&insert, kInsertDelivery}});
  if (!s.ok()) return s;
  struct Target {
    int64_t id;
    std::string format;
  };
  std::vector<Target> targets;
  hooks.Bind(1, invitation_id);
  while (hooks.Step()) {
    const json events = json::parse(hooks.Text(1), nullptr, false);
    if (events.is_array() &&
        std::find(events.begin(), events.end(), json(type)) != events.end()) {
      targets.push_back({hooks.Int(0), hooks.Text(2)});
    }
  }
  s = hooks.status();
  hooks.Reset();
  if (!s.ok() || targets.empty()) return s;
  facts.Bind(1, invitation_id);
  if (!facts.Step()) return facts.status();
  WebhookAnswerFacts f;
  f.survey_id = facts.Int(0);
  f.invitation_id = invitation_id;
  f.score = static_cast<int>(facts.Int(1));
  f.band = BandOf(f.score);
  f.comment = facts.Text(2);
  f.tag_ratings = ParseObject(facts.Text(3));
  f.extra_answers = ParseObject(facts.Text(4));
  f.answered_at = facts.Int(5);
  f.email = facts.Text(6);
  f.first_name = facts.Text(7);
  f.last_name = facts.Text(8);
  f.user_id = facts.Text(9);
  f.survey_name = facts.Text(10);
  facts.Reset();
  if (!admin_url_.empty()) {
    f.admin_url = admin_url_ + "#/surveys/" + std::to_string(f.survey_id) +
                  "/inbox?item=" + std::to_string(invitation_id);
  }
  EventBodies bodies(type, now, f);
  for (const Target &t : targets) {
    s = InsertDelivery(insert, t.id, f.survey_id, invitation_id, NewWebhookMessageId(),
                       type, bodies.For(t.format), now);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<Webhook> SqlStore::CreateWebhook(const Webhook &draft, int64_t now) {
  Webhook made = draft;
  made.created_at = now;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement survey, count, insert;
    Status ps = PrepareAll(
        db, {{&survey, "SELECT 1 FROM surveys WHERE id = ?1"},
             {&count, "SELECT count(*) FROM webhooks WHERE survey_id = ?1"},
             {&insert,
              "INSERT INTO webhooks (survey_id, url, events, format, secret, created_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"}});
    if (!ps.ok()) return ps;
    survey.Bind(1, draft.survey_id);
    const bool found = survey.Step();
    ps = survey.status();
    survey.Reset();
    if (!ps.ok()) return ps;
    if (!found) {
      return Status::NotFound("survey " + std::to_string(draft.survey_id) + " not found");
    }
    count.Bind(1, draft.survey_id);
    const int64_t n = count.Step() ? count.Int(0) : 0;
    ps = count.status();
    count.Reset();
    if (!ps.ok()) return ps;
    if (n >= kMaxWebhooksPerSurvey) {
      return Status::InvalidArgument("a survey has at most " +
                                     std::to_string(kMaxWebhooksPerSurvey) + " webhooks");
    }
    insert.Bind(1, draft.survey_id)
        .Bind(2, draft.url)
        .Bind(3, json(draft.events).dump())
        .Bind(4, draft.format)
        .Bind(5, draft.secret)
        .Bind(6, now);
    if (insert.Step()) made.id = insert.Int(0);
    ps = insert.status();
    insert.Reset();
    return ps;
  });
  if (!s.ok()) return s;
  return made;
}

Result<std::vector<Webhook>> SqlStore::ListWebhooks(int64_t survey_id) {
  std::vector<Webhook> list;
  Status s = Read([&](SqlSession &db) -> Status {
    list.clear();
    Statement q;
    Status ps = q.Prepare(db, std::string("SELECT ") + kWebhookColumns +
                                  " FROM webhooks WHERE survey_id = ?1 ORDER BY id");
    if (!ps.ok()) return ps;
    q.Bind(1, survey_id);
    while (q.Step()) list.push_back(ReadWebhook(q));
    return q.status();
  });
  if (!s.ok()) return s;
  return list;
}

Result<Webhook> SqlStore::GetWebhook(int64_t survey_id, int64_t id) {
  std::optional<Webhook> found;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(db, std::string("SELECT ") + kWebhookColumns +
                                  " FROM webhooks WHERE id = ?1 AND survey_id = ?2");
    if (!ps.ok()) return ps;
    q.Bind(1, id).Bind(2, survey_id);
    if (q.Step()) found = ReadWebhook(q);
    return q.status();
  });
  if (!s.ok()) return s;
  if (!found) return WebhookNotFound(id);
  return *found;
}

Status SqlStore::DeleteWebhook(int64_t survey_id, int64_t id) {
  bool found = false;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement deliveries, hook;
    Status ps = PrepareAll(
        db, {{&deliveries,
              "DELETE FROM webhook_deliveries WHERE webhook_id = ?1 AND webhook_id IN "
              "(SELECT id FROM webhooks WHERE survey_id = ?2)"},
             {&hook, "DELETE FROM webhooks WHERE id = ?1 AND survey_id = ?2"}});
    if (ps.ok()) ps = deliveries.Bind(1, id).Bind(2, survey_id).Run();
    if (ps.ok()) ps = hook.Bind(1, id).Bind(2, survey_id).Run();
    found = ps.ok() && hook.RowsChanged() > 0;
    return ps;
  });
  if (!s.ok()) return s;
  return found ? Status::Ok() : WebhookNotFound(id);
}

Result<Webhook> SqlStore::RotateWebhookSecret(int64_t survey_id, int64_t id,
                                              const std::string &secret) {
  bool found = false;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement q;
    Status ps =
        q.Prepare(db, "UPDATE webhooks SET secret = ?3 WHERE id = ?1 AND survey_id = ?2");
    if (ps.ok()) ps = q.Bind(1, id).Bind(2, survey_id).Bind(3, secret).Run();
    found = ps.ok() && q.RowsChanged() > 0;
    return ps;
  });
  if (!s.ok()) return s;
  if (!found) return WebhookNotFound(id);
  return GetWebhook(survey_id, id);
}

Result<Webhook> SqlStore::EnableWebhook(int64_t survey_id, int64_t id) {
  bool found = false;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(db,
                          "UPDATE webhooks SET disabled_at = NULL, disabled_reason = '', "
                          "failing_since = NULL WHERE id = ?1 AND survey_id = ?2");
    if (ps.ok()) ps = q.Bind(1, id).Bind(2, survey_id).Run();
    found = ps.ok() && q.RowsChanged() > 0;
    return ps;
  });
  if (!s.ok()) return s;
  if (!found) return WebhookNotFound(id);
  return GetWebhook(survey_id, id);
}

Result<std::vector<WebhookDeliveryView>> SqlStore::ListWebhookDeliveries(int64_t id,
                                                                         int limit) {
  std::vector<WebhookDeliveryView> list;
  Status s = Read([&](SqlSession &db) -> Status {
    list.clear();
    Statement q;
    Status ps = q.Prepare(
        db,
        "SELECT id, invitation_id, event_id, type, status, attempts, last_status, "
        "last_error, latency_ms, created_at, finished_at, next_attempt_at "
        "FROM webhook_deliveries WHERE webhook_id = ?1 ORDER BY id DESC LIMIT ?2");
    if (!ps.ok()) return ps;
    q.Bind(1, id).Bind(2, int64_t{limit});
    while (q.Step()) {
      WebhookDeliveryView d;
      d.id = q.Int(0);
      d.invitation_id = q.OptionalInt(1);
      d.event_id = q.Text(2);
      d.type = q.Text(3);
      d.status = q.Text(4);
      d.attempts = static_cast<int>(q.Int(5));
      d.last_status = q.OptionalInt(6);
      d.last_error = q.Text(7);
      d.latency_ms = q.OptionalInt(8);
      d.created_at = q.Int(9);
      d.finished_at = q.OptionalInt(10);
      d.next_attempt_at = q.Int(11);
      list.push_back(std::move(d));
    }
    return q.status();
  });
  if (!s.ok()) return s;
  return list;
}

Result<std::string> SqlStore::EnqueueWebhookTest(int64_t survey_id, int64_t id,
                                                 int64_t now) {
  const std::string event_id = NewWebhookMessageId();
  bool found = false;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement hook, insert;
    Status ps = PrepareAll(db, {{&hook,
                                 "SELECT w.format, s.name FROM webhooks w "
                                 "JOIN surveys s ON s.id = w.survey_id "
                                 "WHERE w.id = ?1 AND w.survey_id = ?2"},
                                {&insert, kInsertDelivery}});
    if (!ps.ok()) return ps;
    hook.Bind(1, id).Bind(2, survey_id);
    found = hook.Step();
    const std::string format = found ? hook.Text(0) : "";
    WebhookAnswerFacts f;  // a made-up promoter: nobody's data
    f.survey_name = found ? hook.Text(1) : "";
    ps = hook.status();
    hook.Reset();
    if (!ps.ok() || !found) return ps;
    f.survey_id = survey_id;
    f.score = 9;
    f.band = BandOf(f.score);
    f.comment = "This is a test event from Callexa.";
    f.tag_ratings = {{"Support", 5}};
    f.email = "test@example.com";
    f.first_name = "Test";
    f.last_name = "Customer";
    f.user_id = "test-user";
    f.answered_at = now;
    if (!admin_url_.empty()) {
      f.admin_url = admin_url_ + "#/surveys/" + std::to_string(survey_id) + "/webhooks";
    }
    EventBodies bodies(kWebhookTest, now, f);
    return InsertDelivery(insert, id, survey_id, std::nullopt, event_id, kWebhookTest,
                          bodies.For(format), now);
  });
  if (!s.ok()) return s;
  if (!found) return WebhookNotFound(id);
  return event_id;
}

Result<std::vector<WebhookClaim>> SqlStore::ClaimWebhookDeliveries(
    int64_t now, int limit, int64_t lease_seconds, const std::string &owner) {
  std::vector<WebhookClaim> claims;
  Status s = Write([&](SqlSession &db) -> Status {
    claims.clear();
    Statement due, lease;
    // Only the oldest pending event of each webhook: its order holds, and
    // one that keeps failing holds back the events after it.
    Status ps = PrepareAll(
        db, {{&due,
              "SELECT d.id, d.webhook_id, d.survey_id, w.url, w.format, w.secret, "
              "d.event_id, d.type, d.payload, d.attempts, d.created_at "
              "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
              "WHERE d.status = 'pending' AND w.disabled_at IS NULL "
              "  AND d.next_attempt_at <= ?1 "
              "  AND (d.lease_until IS NULL OR d.lease_until <= ?1) "
              "  AND d.id = (SELECT min(p.id) FROM webhook_deliveries p "
              "              WHERE p.webhook_id = d.webhook_id AND p.status = 'pending') "
              "ORDER BY d.next_attempt_at, d.id LIMIT ?2"},
             {&lease,
              "UPDATE webhook_deliveries SET attempts = ?2, lease_owner = ?3, "
              "lease_until = ?4 WHERE id = ?1"}});
    if (!ps.ok()) return ps;
    due.Bind(1, now).Bind(2, int64_t{limit});
    while (due.Step()) {
      WebhookClaim c;
      c.delivery_id = due.Int(0);
      c.webhook_id = due.Int(1);
      c.survey_id = due.Int(2);
      c.url = due.Text(3);
      c.format = due.Text(4);
      c.secret = due.Text(5);
      c.event_id = due.Text(6);
      c.type = due.Text(7);
      c.payload = due.Text(8);
      c.attempt = static_cast<int>(due.Int(9)) + 1;
      c.created_at = due.Int(10);
      claims.push_back(std::move(c));
    }
    ps = due.status();
    due.Reset();
    if (!ps.ok()) return ps;
    for (const WebhookClaim &c : claims) {
      ps = lease.Bind(1, c.delivery_id)
               .Bind(2, int64_t{c.attempt})
               .Bind(3, owner)
               .Bind(4, now + lease_seconds)
               .Run();
      if (!ps.ok()) return ps;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return claims;
}

Result<WebhookAttemptResult> SqlStore::RecordWebhookAttempt(const WebhookAttempt &a,
                                                            int64_t now,
                                                            const std::string &owner) {
  using Outcome = WebhookAttempt::Outcome;
  WebhookAttemptResult result;
  Status s = Write([&](SqlSession &db) -> Status {
    result = WebhookAttemptResult();
    Statement find, update, healthy, failing, disable, give_up;
    Status ps = PrepareAll(
        db, {{&find,
              "SELECT d.created_at, d.webhook_id FROM webhook_deliveries d "
              "WHERE d.id = ?1 AND d.status = 'pending' AND d.lease_owner = ?2 "
              "  AND d.attempts = ?3"},
             {&update,
              "UPDATE webhook_deliveries SET status = ?2, next_attempt_at = ?3, "
              "last_status = ?4, last_error = ?5, latency_ms = ?6, "
              "finished_at = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?7 END, "
              "lease_owner = NULL, lease_until = NULL WHERE id = ?1"},
             {&healthy, "UPDATE webhooks SET failing_since = NULL WHERE id = ?1"},
             {&failing,
              "UPDATE webhooks SET failing_since = coalesce(failing_since, ?2) "
              "WHERE id = ?1 RETURNING failing_since, disabled_at"},
             {&disable,
              "UPDATE webhooks SET disabled_at = ?2, disabled_reason = ?3 "
              "WHERE id = ?1 AND disabled_at IS NULL"},
             {&give_up,
              "UPDATE webhook_deliveries SET status = 'failed', finished_at = ?2, "
              "last_error = 'not sent: the webhook was disabled', "
              "lease_owner = NULL, lease_until = NULL "
              "WHERE webhook_id = ?1 AND status = 'pending'"}});
    if (!ps.ok()) return ps;
    find.Bind(1, a.delivery_id).Bind(2, owner).Bind(3, int64_t{a.attempt});
    const bool leased = find.Step();
    const int64_t created_at = leased ? find.Int(0) : 0;
    const int64_t webhook_id = leased ? find.Int(1) : 0;
    ps = find.status();
    find.Reset();
    if (!ps.ok() || !leased) return ps;
    result.recorded = true;
    result.state = a.outcome;
    int64_t next = now;
    if (a.outcome == Outcome::kRetry) {
      const std::optional<int64_t> at =
          WebhookRetryAt(a.attempt, created_at, now, a.retry_after_seconds);
      if (at) {
        next = *at;
      } else {
        result.state = Outcome::kFailed;
      }
    }
    const char *status = result.state == Outcome::kDelivered ? "delivered"
                         : result.state == Outcome::kFailed  ? "failed"
                                                             : "pending";
    ps = update.Bind(1, a.delivery_id)
             .Bind(2, status)
             .Bind(3, next)
             .Bind(4, a.http_status > 0 ? std::optional<int64_t>(a.http_status)
                                        : std::nullopt)
             .Bind(5, a.outcome == Outcome::kDelivered ? std::string() : a.error)
             .Bind(6, a.latency_ms)
             .Bind(7, now)
             .Run();
    if (!ps.ok()) return ps;
    if (a.outcome == Outcome::kDelivered) return healthy.Bind(1, webhook_id).Run();
    failing.Bind(1, webhook_id).Bind(2, now);
    const bool stepped = failing.Step();
    const int64_t since = stepped ? failing.Int(0) : now;
    const bool disabled = stepped && failing.OptionalInt(1).has_value();
    ps = failing.status();
    failing.Reset();
    if (!ps.ok() || disabled || now - since < kWebhookDisableAfterSeconds) return ps;
    ps = disable.Bind(1, webhook_id)
             .Bind(2, now)
             .Bind(3, "its deliveries failed for 3 days; last: " + a.error)
             .Run();
    if (ps.ok()) ps = give_up.Bind(1, webhook_id).Bind(2, now).Run();
    result.webhook_disabled = ps.ok();
    return ps;
  });
  if (!s.ok()) return s;
  return result;
}

}  // namespace callexa
