#include "store/schema.h"

#include <algorithm>
#include <string>

#include "sql/statement.h"

namespace callexa {
namespace {

// Append only: a released migration is never edited.
const char *const kMigrations[] = {
    // 1: surveys, customers with their pending invitation, invitations,
    // monthly counts, suppressions, seen messageIds.
    R"sql(
CREATE TABLE surveys (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  api_key TEXT NOT NULL,
  key_prefix TEXT NOT NULL,
  name TEXT NOT NULL,
  min_delay_days INTEGER NOT NULL,
  max_delay_days INTEGER NOT NULL,
  resurvey_interval_days INTEGER NOT NULL,
  automation INTEGER NOT NULL,
  segment_write_key TEXT NOT NULL DEFAULT '',
  monthly_budget INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX surveys_key_prefix ON surveys(key_prefix);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  email TEXT NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  anonymous_id TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  gender TEXT NOT NULL DEFAULT '',
  created_at INTEGER,
  traits TEXT NOT NULL DEFAULT '{}',
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  last_decision TEXT NOT NULL DEFAULT '',
  last_decision_at INTEGER,
  -- The pending invitation lives on the customer row: one column cannot
  -- hold two, and an identify writes one row instead of three.
  pending_due_at INTEGER,
  pending_since INTEGER,
  last_surveyed_at INTEGER,
  UNIQUE (survey_id, email)
);
CREATE INDEX customers_due ON customers(pending_due_at)
  WHERE pending_due_at IS NOT NULL;

-- Invitations that left the queue: sending, sent, answered, failed.
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  status TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX invitations_customer ON invitations(customer_id, id);

-- Invitations created per survey and calendar month, for the budget.
CREATE TABLE survey_months (
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  month_start INTEGER NOT NULL,
  invitations INTEGER NOT NULL,
  PRIMARY KEY (survey_id, month_start)
) WITHOUT ROWID;

CREATE TABLE suppressions (
  email TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE seen_messages (
  survey_id INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (survey_id, message_id)
) WITHOUT ROWID;
CREATE INDEX seen_messages_received ON seen_messages(received_at);
)sql",
    // 2: delivery (invitation attempts and leases), answers, settings,
    // job leases and sync-back state.
    R"sql(
ALTER TABLE surveys ADD COLUMN content TEXT NOT NULL DEFAULT '{}';
ALTER TABLE invitations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- queued and retry: when to try; sending: when the lease expires.
ALTER TABLE invitations ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE invitations ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN answered_at INTEGER;
CREATE INDEX invitations_work ON invitations(next_attempt_at)
  WHERE status IN ('queued', 'retry', 'sending');

-- One answer per invitation: the last answer wins, updated in place.
-- change_seq grows with every change, for sync-back's cursor.
CREATE TABLE answers (
  invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id),
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
  comment TEXT NOT NULL DEFAULT '',
  tag_ratings TEXT NOT NULL DEFAULT '{}',
  extra_answers TEXT NOT NULL DEFAULT '{}',
  consent INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  answered_at INTEGER NOT NULL,
  change_seq INTEGER NOT NULL
);
CREATE INDEX answers_survey_seq ON answers(survey_id, change_seq);
CREATE INDEX answers_customer ON answers(customer_id, change_seq);

-- Installation-wide values: token_secret, answer_seq.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Leases of periodic jobs, so that overlapping workers (reload) run each
-- job once.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sync_state (
  survey_id INTEGER PRIMARY KEY REFERENCES surveys(id),
  cursor_seq INTEGER NOT NULL DEFAULT 0,
  last_run_started_at INTEGER,
  last_run_finished_at INTEGER,
  last_success_at INTEGER,
  next_run_at INTEGER,
  messages_sent INTEGER NOT NULL DEFAULT 0,
  requests_made INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  run_requested INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 3: sync-back: consecutive failures (for the backoff) and customers
    // skipped because they have neither userId nor anonymousId.
    R"sql(
ALTER TABLE sync_state ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN messages_skipped INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4: uploaded images (logos), and invitations by survey and status for
    // the admin's overview.
    R"sql(
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  content_type TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX invitations_survey_status ON invitations(survey_id, status);
CREATE INDEX suppressions_created ON suppressions(created_at);
)sql",
    // 5: testimonials: the consent text a customer agreed to, the
    // moderation of promoters' quotes, the origins allowed to embed them.
    R"sql(
ALTER TABLE answers ADD COLUMN consent_text TEXT NOT NULL DEFAULT '';
ALTER TABLE surveys ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '[]';
CREATE TABLE testimonials (
  invitation_id INTEGER PRIMARY KEY REFERENCES answers(invitation_id),
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  status TEXT NOT NULL,
  display_text TEXT NOT NULL DEFAULT '',
  name_format TEXT NOT NULL DEFAULT 'first_last_initial',
  created_at INTEGER NOT NULL,
  decided_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX testimonials_survey_status ON testimonials(survey_id, status, updated_at);
)sql",
    // 6: reports. Each answer knows when its customer answered next
    // (next_answer_at; NULL: it is their latest), so that "each customer's
    // latest answer in [from, to)" is a condition on one row,
    // next_answer_at IS NULL OR next_answer_at >= to, read from an index
    // instead of grouping every answer by customer. Triggers keep it, for
    // every writer. The indexes cover the statistics (scores per survey
    // and time, with comments, with tags), the export's pages and the
    // invitations sent per period.
    R"sql(
ALTER TABLE answers ADD COLUMN next_answer_at INTEGER;
UPDATE answers SET next_answer_at = (
  SELECT min(b.answered_at) FROM answers b
  WHERE b.customer_id = answers.customer_id AND b.invitation_id <> answers.invitation_id
    AND (b.answered_at > answers.answered_at OR
         (b.answered_at = answers.answered_at AND b.invitation_id > answers.invitation_id)));
CREATE TRIGGER answers_next_after_insert AFTER INSERT ON answers BEGIN
  UPDATE answers SET next_answer_at = (
    SELECT min(b.answered_at) FROM answers b
    WHERE b.customer_id = answers.customer_id AND b.invitation_id <> answers.invitation_id
      AND (b.answered_at > answers.answered_at OR
           (b.answered_at = answers.answered_at AND b.invitation_id > answers.invitation_id)))
  WHERE customer_id = NEW.customer_id;
END;
CREATE TRIGGER answers_next_after_update AFTER UPDATE OF answered_at ON answers BEGIN
  UPDATE answers SET next_answer_at = (
    SELECT min(b.answered_at) FROM answers b
    WHERE b.customer_id = answers.customer_id AND b.invitation_id <> answers.invitation_id
      AND (b.answered_at > answers.answered_at OR
           (b.answered_at = answers.answered_at AND b.invitation_id > answers.invitation_id)))
  WHERE customer_id = NEW.customer_id;
END;
CREATE INDEX answers_report ON answers(survey_id, score, answered_at, next_answer_at,
                                       customer_id);
CREATE INDEX answers_report_commented ON answers(survey_id, score, answered_at,
                                                 next_answer_at, customer_id)
  WHERE comment <> '';
CREATE INDEX answers_report_tags ON answers(survey_id, answered_at, next_answer_at, score,
                                            customer_id, tag_ratings)
  WHERE tag_ratings <> '{}';
CREATE INDEX answers_export ON answers(survey_id, answered_at);
CREATE INDEX invitations_sent ON invitations(survey_id, sent_at, answered_at, customer_id)
  WHERE sent_at IS NOT NULL;
)sql",
    // 7: per-survey retention of answers, in months (NULL: kept).
    R"sql(
ALTER TABLE surveys ADD COLUMN retention_months INTEGER;
)sql",
    // 8: the report email: its cadence and recipients per survey, and one
    // run per survey and period, leased while it is sent.
    R"sql(
ALTER TABLE surveys ADD COLUMN report_frequency TEXT NOT NULL DEFAULT 'off';
ALTER TABLE surveys ADD COLUMN report_recipients TEXT NOT NULL DEFAULT '[]';
CREATE TABLE report_runs (
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  period_from INTEGER NOT NULL,
  period_to INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'due',
  lease_owner TEXT,
  lease_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  retry_at INTEGER NOT NULL DEFAULT 0,
  handled TEXT NOT NULL DEFAULT '[]',
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (survey_id, period_from)
) WITHOUT ROWID;
)sql",
    // 9: the owner's everyday work. A survey may be archived (automation
    // off, hidden from the list, data kept); a promoter's click on the
    // review invitation is recorded on the answer; the audit log records
    // who changed what in the admin (actor: the user nginx authenticated),
    // and outlives a deleted survey (no foreign key).
    R"sql(
ALTER TABLE surveys ADD COLUMN archived_at INTEGER;
ALTER TABLE answers ADD COLUMN review_clicked_at INTEGER;
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  survey_id INTEGER,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_survey ON audit_log(survey_id, id);
)sql",
    // 10: closing the loop (README "Alerts, webhooks and the inbox"). An
    // answer to alert on has a leased row, due once it has settled; each
    // webhook's events wait in its own queue (delivered in id order) with
    // the webhook-id they keep on every retry; a follow-up per answer, and
    // its thread of notes, status changes and replies (a reply's email is
    // leased and retried like a survey email).
    R"sql(
ALTER TABLE surveys ADD COLUMN alerts TEXT NOT NULL DEFAULT '{"on":"off","recipients":[]}';
ALTER TABLE surveys ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
CREATE TABLE answer_alerts (
  invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id),
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  status TEXT NOT NULL DEFAULT 'due',
  due_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  retry_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX answer_alerts_due ON answer_alerts(status, due_at);
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  format TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  failing_since INTEGER,
  disabled_at INTEGER,
  disabled_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhooks_survey ON webhooks(survey_id);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
  survey_id INTEGER NOT NULL,
  invitation_id INTEGER,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_status INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  latency_ms INTEGER,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(webhook_id, status, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_answer ON webhook_deliveries(invitation_id);
CREATE TABLE follow_ups (
  invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id),
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  status TEXT NOT NULL,
  assignee TEXT NOT NULL DEFAULT '',
  opened_at INTEGER NOT NULL,
  opened_by TEXT NOT NULL DEFAULT '',
  closed_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX follow_ups_survey ON follow_ups(survey_id, status, opened_at);
CREATE TABLE follow_up_entries (
  id INTEGER PRIMARY KEY,
  invitation_id INTEGER NOT NULL REFERENCES invitations(id),
  survey_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  mail_status TEXT,
  message_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at INTEGER
);
CREATE INDEX follow_up_entries_thread ON follow_up_entries(invitation_id, id);
CREATE INDEX follow_up_entries_mail ON follow_up_entries(mail_status, next_attempt_at);
)sql",
    // 11: reaching the customer (README "Reminders and send windows"). A
    // reminder is a second email per invitation with its own lease and
    // retries, so it never changes the invitation's own state; a survey's
    // send window is JSON (policy/send_window.h), NULL when mail goes out
    // whenever it is due.
    R"sql(
ALTER TABLE surveys ADD COLUMN reminder_after_days INTEGER;
ALTER TABLE surveys ADD COLUMN send_window TEXT;
CREATE TABLE reminders (
  invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id),
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  status TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  lease_owner TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  message_id TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX reminders_work ON reminders(status, next_attempt_at);
CREATE INDEX reminders_survey ON reminders(survey_id, sent_at);
)sql",
};

constexpr int kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];

// PostgreSQL came with schema version 8: its first step makes everything
// SQLite's eight did at once. A later migration is added to both lists,
// with the same number. BIGINT for every integer (SQLite's are 64-bit),
// text compared bytewise as SQLite does (COLLATE "C").
const char kPostgresqlVersion8[] = R"sql(
CREATE TABLE surveys (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  public_id TEXT COLLATE "C" NOT NULL UNIQUE,
  api_key TEXT COLLATE "C" NOT NULL,
  key_prefix TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  min_delay_days BIGINT NOT NULL,
  max_delay_days BIGINT NOT NULL,
  resurvey_interval_days BIGINT NOT NULL,
  automation BIGINT NOT NULL,
  segment_write_key TEXT COLLATE "C" NOT NULL DEFAULT '',
  monthly_budget BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  content TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  embed_origins TEXT COLLATE "C" NOT NULL DEFAULT '[]',
  retention_months BIGINT,
  report_frequency TEXT COLLATE "C" NOT NULL DEFAULT 'off',
  report_recipients TEXT COLLATE "C" NOT NULL DEFAULT '[]'
);
CREATE INDEX surveys_key_prefix ON surveys(key_prefix);

CREATE TABLE customers (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  email TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  anonymous_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  first_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  last_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  name TEXT COLLATE "C" NOT NULL DEFAULT '',
  gender TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at BIGINT,
  traits TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  first_seen_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  last_decision TEXT COLLATE "C" NOT NULL DEFAULT '',
  last_decision_at BIGINT,
  pending_due_at BIGINT,
  pending_since BIGINT,
  last_surveyed_at BIGINT,
  UNIQUE (survey_id, email)
);
CREATE INDEX customers_due ON customers(pending_due_at)
  WHERE pending_due_at IS NOT NULL;

CREATE TABLE invitations (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  status TEXT COLLATE "C" NOT NULL,
  due_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  updated_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '',
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  message_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  answered_at BIGINT
);
CREATE INDEX invitations_customer ON invitations(customer_id, id);
CREATE INDEX invitations_work ON invitations(next_attempt_at)
  WHERE status IN ('queued', 'retry', 'sending');
CREATE INDEX invitations_survey_status ON invitations(survey_id, status);
CREATE INDEX invitations_sent ON invitations(survey_id, sent_at, answered_at, customer_id)
  WHERE sent_at IS NOT NULL;

CREATE TABLE survey_months (
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  month_start BIGINT NOT NULL,
  invitations BIGINT NOT NULL,
  PRIMARY KEY (survey_id, month_start)
);

CREATE TABLE suppressions (
  email TEXT COLLATE "C" PRIMARY KEY,
  reason TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX suppressions_created ON suppressions(created_at);

CREATE TABLE seen_messages (
  survey_id BIGINT NOT NULL,
  message_id TEXT COLLATE "C" NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (survey_id, message_id)
);
CREATE INDEX seen_messages_received ON seen_messages(received_at);

CREATE TABLE answers (
  invitation_id BIGINT PRIMARY KEY REFERENCES invitations(id),
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  score BIGINT NOT NULL CHECK (score BETWEEN 0 AND 10),
  comment TEXT COLLATE "C" NOT NULL DEFAULT '',
  tag_ratings TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  extra_answers TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  consent BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  answered_at BIGINT NOT NULL,
  change_seq BIGINT NOT NULL,
  consent_text TEXT COLLATE "C" NOT NULL DEFAULT '',
  next_answer_at BIGINT
);
CREATE INDEX answers_survey_seq ON answers(survey_id, change_seq);
CREATE INDEX answers_customer ON answers(customer_id, change_seq);
CREATE INDEX answers_report ON answers(survey_id, score, answered_at, next_answer_at,
                                       customer_id);
CREATE INDEX answers_report_commented ON answers(survey_id, score, answered_at,
                                                 next_answer_at, customer_id)
  WHERE comment <> '';
CREATE INDEX answers_report_tags ON answers(survey_id, answered_at, next_answer_at, score,
                                            customer_id)
  WHERE tag_ratings <> '{}';
CREATE INDEX answers_export ON answers(survey_id, answered_at);

-- next_answer_at as SQLite's triggers keep it (migration 6 there).
CREATE FUNCTION answers_set_next_answer_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE answers a SET next_answer_at = (
    SELECT min(b.answered_at) FROM answers b
    WHERE b.customer_id = a.customer_id AND b.invitation_id <> a.invitation_id
      AND (b.answered_at > a.answered_at OR
           (b.answered_at = a.answered_at AND b.invitation_id > a.invitation_id)))
  WHERE a.customer_id = NEW.customer_id;
  RETURN NULL;
END $$;
CREATE TRIGGER answers_next_after_insert AFTER INSERT ON answers
  FOR EACH ROW EXECUTE FUNCTION answers_set_next_answer_at();
CREATE TRIGGER answers_next_after_update AFTER UPDATE OF answered_at ON answers
  FOR EACH ROW EXECUTE FUNCTION answers_set_next_answer_at();

CREATE TABLE settings (
  name TEXT COLLATE "C" PRIMARY KEY,
  value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE job_leases (
  name TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT COLLATE "C" NOT NULL,
  expires_at BIGINT NOT NULL
);

CREATE TABLE sync_state (
  survey_id BIGINT PRIMARY KEY REFERENCES surveys(id),
  cursor_seq BIGINT NOT NULL DEFAULT 0,
  last_run_started_at BIGINT,
  last_run_finished_at BIGINT,
  last_success_at BIGINT,
  next_run_at BIGINT,
  messages_sent BIGINT NOT NULL DEFAULT 0,
  requests_made BIGINT NOT NULL DEFAULT 0,
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  run_requested BIGINT NOT NULL DEFAULT 0,
  failures BIGINT NOT NULL DEFAULT 0,
  messages_skipped BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE images (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  key TEXT COLLATE "C" NOT NULL UNIQUE,
  content_type TEXT COLLATE "C" NOT NULL,
  data BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE testimonials (
  invitation_id BIGINT PRIMARY KEY REFERENCES answers(invitation_id),
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  status TEXT COLLATE "C" NOT NULL,
  display_text TEXT COLLATE "C" NOT NULL DEFAULT '',
  name_format TEXT COLLATE "C" NOT NULL DEFAULT 'first_last_initial',
  created_at BIGINT NOT NULL,
  decided_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX testimonials_survey_status ON testimonials(survey_id, status, updated_at);

CREATE TABLE report_runs (
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  period_from BIGINT NOT NULL,
  period_to BIGINT NOT NULL,
  status TEXT COLLATE "C" NOT NULL DEFAULT 'due',
  lease_owner TEXT COLLATE "C",
  lease_until BIGINT,
  attempts BIGINT NOT NULL DEFAULT 0,
  retry_at BIGINT NOT NULL DEFAULT 0,
  handled TEXT COLLATE "C" NOT NULL DEFAULT '[]',
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  PRIMARY KEY (survey_id, period_from)
);
)sql";

const char kPostgresqlVersion9[] = R"sql(
ALTER TABLE surveys ADD COLUMN archived_at BIGINT;
ALTER TABLE answers ADD COLUMN review_clicked_at BIGINT;
CREATE TABLE audit_log (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  survey_id BIGINT,
  details TEXT COLLATE "C" NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_survey ON audit_log(survey_id, id);
)sql";

const char kPostgresqlVersion10[] = R"sql(
ALTER TABLE surveys ADD COLUMN alerts TEXT COLLATE "C" NOT NULL DEFAULT '{"on":"off","recipients":[]}';
ALTER TABLE surveys ADD COLUMN reply_to TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE TABLE answer_alerts (
  invitation_id BIGINT PRIMARY KEY REFERENCES invitations(id),
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  status TEXT COLLATE "C" NOT NULL DEFAULT 'due',
  due_at BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C",
  lease_until BIGINT,
  attempts BIGINT NOT NULL DEFAULT 0,
  retry_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX answer_alerts_due ON answer_alerts(status, due_at);
CREATE TABLE webhooks (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  url TEXT COLLATE "C" NOT NULL,
  events TEXT COLLATE "C" NOT NULL,
  format TEXT COLLATE "C" NOT NULL,
  secret TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  failing_since BIGINT,
  disabled_at BIGINT,
  disabled_reason TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX webhooks_survey ON webhooks(survey_id);
CREATE TABLE webhook_deliveries (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  webhook_id BIGINT NOT NULL REFERENCES webhooks(id),
  survey_id BIGINT NOT NULL,
  invitation_id BIGINT,
  event_id TEXT COLLATE "C" NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  payload TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C",
  lease_until BIGINT,
  last_status BIGINT,
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  latency_ms BIGINT,
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(webhook_id, status, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_answer ON webhook_deliveries(invitation_id);
CREATE TABLE follow_ups (
  invitation_id BIGINT PRIMARY KEY REFERENCES invitations(id),
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  status TEXT COLLATE "C" NOT NULL,
  assignee TEXT COLLATE "C" NOT NULL DEFAULT '',
  opened_at BIGINT NOT NULL,
  opened_by TEXT COLLATE "C" NOT NULL DEFAULT '',
  closed_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX follow_ups_survey ON follow_ups(survey_id, status, opened_at);
CREATE TABLE follow_up_entries (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  invitation_id BIGINT NOT NULL REFERENCES invitations(id),
  survey_id BIGINT NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  actor TEXT COLLATE "C" NOT NULL DEFAULT '',
  text TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  mail_status TEXT COLLATE "C",
  message_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  lease_owner TEXT COLLATE "C",
  lease_until BIGINT,
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  sent_at BIGINT
);
CREATE INDEX follow_up_entries_thread ON follow_up_entries(invitation_id, id);
CREATE INDEX follow_up_entries_mail ON follow_up_entries(mail_status, next_attempt_at);
)sql";

const char kPostgresqlVersion11[] = R"sql(
ALTER TABLE surveys ADD COLUMN reminder_after_days BIGINT;
ALTER TABLE surveys ADD COLUMN send_window TEXT COLLATE "C";
CREATE TABLE reminders (
  invitation_id BIGINT PRIMARY KEY REFERENCES invitations(id),
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  status TEXT COLLATE "C" NOT NULL,
  due_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '',
  last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
  message_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX reminders_work ON reminders(status, next_attempt_at);
CREATE INDEX reminders_survey ON reminders(survey_id, sent_at);
)sql";

constexpr int kPostgresqlFirstVersion = 8;
const char *const kPostgresqlMigrations[] = {kPostgresqlVersion8, kPostgresqlVersion9,
                                             kPostgresqlVersion10, kPostgresqlVersion11};
constexpr int kPostgresqlLatest =
    kPostgresqlFirstVersion - 1 + sizeof kPostgresqlMigrations / sizeof(const char *);
static_assert(kPostgresqlLatest == kMigrationCount,
              "a migration is added for SQLite and PostgreSQL alike");

Status TooNew(int current) {
  return Status::IOError("the database is newer than this module",
                         "database schema version " + std::to_string(current) +
                             " is newer than this module knows (" +
                             std::to_string(kMigrationCount) +
                             "): upgrade this host's module before it serves");
}

Result<int> ReadVersion(SqlSession &db, const char *sql) {
  Statement version;
  Status s = version.Prepare(db, sql);
  int current = 0;
  if (s.ok() && version.Step()) current = static_cast<int>(version.Int(0));
  if (s.ok()) s = version.status();
  if (!s.ok()) return s;
  return current;
}

Status MigrateSqlite(SqlSession &db) {
  Result<int> current = ReadVersion(db, "PRAGMA user_version");
  if (!current.ok()) return current.status();
  if (*current > kMigrationCount) return TooNew(*current);
  for (int v = *current; v < kMigrationCount; ++v) {
    Status s = db.Execute(kMigrations[v]);
    if (s.ok()) s = db.Execute("PRAGMA user_version = " + std::to_string(v + 1));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// The version lives in a one-row table; the caller's write transaction
// holds the writers' lock, so hosts starting together migrate once.
Status MigratePostgresql(SqlSession &db) {
  Status s = db.Execute(
      "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL); "
      "INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS "
      "(SELECT 1 FROM schema_version)");
  if (!s.ok()) return s;
  Result<int> current = ReadVersion(db, "SELECT version FROM schema_version");
  if (!current.ok()) return current.status();
  if (*current > kMigrationCount) return TooNew(*current);
  for (int v = std::max(*current, kPostgresqlFirstVersion - 1); v < kMigrationCount;
       ++v) {
    s = db.Execute(kPostgresqlMigrations[v - (kPostgresqlFirstVersion - 1)]);
    if (s.ok()) {
      s = db.Execute("UPDATE schema_version SET version = " + std::to_string(v + 1));
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return kMigrationCount; }

Status MigrateSchema(SqlSession &db, const SqlDialect &dialect) {
  return dialect.backend() == SqlBackend::kSqlite ? MigrateSqlite(db)
                                                  : MigratePostgresql(db);
}

}  // namespace callexa
