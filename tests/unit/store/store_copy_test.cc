// The move of a SQLite database to PostgreSQL (store/store_copy.h): every
// row, id, key and the token secret arrive, the target's sequences go on
// after the copied ids, and what the copy does not know stops it.
#include "store/store_copy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "ingest/identify_message.h"
#include "sql/pg_connections.h"
#include "sql/sqlite_connections.h"
#include "sql/statement.h"
#include "store/schema.h"
#include "survey/invitation_token.h"
#include "testing/store_backend.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;                     // 2026-11-28T10:00:00Z
constexpr int64_t kLater = kNow + 200 * kSecondsPerDay;  // past the 182-day interval

// Every row of every copied table, as text, by table.
using Dump = std::map<std::string, std::vector<std::string>>;

std::string Hex(const std::string &bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

Dump DumpAll(SqlConnections &db) {
  Dump dump;
  const Status s = db.Read([&](SqlSession &session) -> Status {
    for (const CopyTable &table : CopiedTables()) {
      std::string sql = "SELECT ";
      for (size_t i = 0; i < table.columns.size(); ++i) {
        sql += (i ? ", " : "") + std::string(table.columns[i].name);
      }
      for (const CopyColumn &c : table.columns) {
        sql += std::string(", CASE WHEN ") + c.name + " IS NULL THEN 1 ELSE 0 END";
      }
      sql += std::string(" FROM ") + table.name + " ORDER BY " + table.order_by;
      Statement q;
      Status s = q.Prepare(session, sql);
      if (!s.ok()) return s;
      const int n = static_cast<int>(table.columns.size());
      std::vector<std::string> &rows = dump[table.name];
      while (q.Step()) {
        std::string row;
        for (int i = 0; i < n; ++i) {
          row += i ? " | " : "";
          if (q.Int(n + i) != 0) {
            row += "NULL";
            continue;
          }
          switch (table.columns[i].kind) {
            case CopyColumnKind::kInt:
            case CopyColumnKind::kOptionalInt:
              row += std::to_string(q.Int(i));
              break;
            case CopyColumnKind::kText:
            case CopyColumnKind::kOptionalText:
              row += "'" + q.Text(i) + "'";
              break;
            case CopyColumnKind::kBlob:
              row += "x" + Hex(q.Blob(i));
              break;
          }
        }
        rows.push_back(row);
      }
      s = q.status();
      q.Reset();
      if (!s.ok()) return s;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToLogString();
  return dump;
}

std::string Opt(const std::optional<int64_t> &v) {
  return v ? std::to_string(*v) : "null";
}

std::string Join(const std::vector<std::string> &v) {
  std::string out;
  for (const std::string &s : v) out += s + ";";
  return out;
}

std::string Describe(const Survey &s) {
  std::ostringstream o;
  o << s.id << "|" << s.public_id << "|" << s.api_key << "|" << s.name << "|"
    << s.policy.min_delay_days << "|" << s.policy.max_delay_days << "|"
    << s.policy.resurvey_interval_days << "|" << s.policy.automation << "|"
    << Opt(s.policy.monthly_budget) << "|" << s.segment_write_key << "|" << s.content_json
    << "|" << Join(s.embed_origins) << "|"
    << (s.retention_months ? *s.retention_months : -1) << "|"
    << ReportFrequencyName(s.report_frequency) << "|" << Join(s.report_recipients) << "|"
    << s.send_window << "|" << s.created_at << "|" << s.updated_at;
  return o.str();
}

std::string Describe(const StoredAnswer &a) {
  std::ostringstream o;
  o << a.answer.score << "|" << a.answer.comment << "|" << a.answer.consent << "|"
    << a.answer.consent_text << "|" << a.created_at << "|" << a.answered_at << "|"
    << a.change_seq;
  for (const auto &[tag, rating] : a.answer.tag_ratings) o << "|" << tag << "=" << rating;
  for (const auto &[q, text] : a.answer.extra_answers) o << "|" << q << ":" << text;
  return o.str();
}

std::string Describe(const std::vector<CustomerView> &customers) {
  std::ostringstream o;
  for (const CustomerView &c : customers) {
    o << c.id << "|" << c.email << "|" << c.user_id << "|" << c.anonymous_id << "|"
      << c.first_name << "|" << c.last_name << "|" << c.name << "|" << c.gender << "|"
      << Opt(c.created_at) << "|" << c.first_seen_at << "|" << c.last_seen_at << "|"
      << c.state << "|" << c.reason << "|" << Opt(c.due_at);
    for (const InvitationView &i : c.invitations) {
      o << " [" << i.id << " " << InvitationStatusName(i.status) << " " << i.due_at << " "
        << i.created_at << " " << Opt(i.sent_at) << " " << Opt(i.answered_at) << " "
        << i.last_error << "]";
    }
    o << "\n";
  }
  return o.str();
}

std::string Describe(const std::vector<ResponseView> &responses) {
  std::ostringstream o;
  for (const ResponseView &r : responses) {
    o << r.invitation_id << "|" << r.email << "|" << r.first_name << "|" << r.last_name
      << "|" << r.name << "|" << Describe(r.answer) << "\n";
  }
  return o.str();
}

std::string Describe(const InvitationContext &c) {
  return std::to_string(c.invitation_id) + "|" + InvitationStatusName(c.status) + "|" +
         std::to_string(c.survey_id) + "|" + c.survey_name + "|" + c.content_json + "|" +
         c.email + "|" + c.first_name + "|" + (c.answer ? Describe(*c.answer) : "none");
}

std::string Describe(const MetricsSnapshot &m) {
  std::ostringstream o;
  for (const auto *counts : {&m.invitations, &m.answers, &m.suppressions}) {
    for (const MetricsSnapshot::Count &c : *counts) {
      o << c.survey_id << " " << c.label << " " << c.value << "\n";
    }
  }
  for (const MetricsSnapshot::SurveySync &s : m.sync) {
    o << s.survey_id << " " << s.messages_sent << " " << s.requests_made << " "
      << s.pending << " " << Opt(s.last_success_at) << "\n";
  }
  o << Opt(m.oldest_due_at);
  return o.str();
}

std::string Describe(const ReportCounts &r) {
  std::ostringstream o;
  for (const PeriodCounts *p : {&r.period, &r.previous}) {
    for (int64_t n : p->scores) o << n << " ";
    o << p->with_comment << " " << p->invitations_sent << " " << p->invitations_answered
      << "\n";
  }
  for (const TagRatingCounts &t : r.tags) {
    o << t.tag << " " << t.rating << " " << t.detractors << " " << t.passives << " "
      << t.promoters << "\n";
  }
  for (const ScoreCounts &t : r.trend) {
    for (int64_t n : t) o << n << " ";
    o << "\n";
  }
  return o.str();
}

std::string Describe(const std::vector<TestimonialView> &list) {
  std::ostringstream o;
  for (const TestimonialView &t : list) {
    o << t.answer_id << "|" << TestimonialStatusName(t.status) << "|" << t.score << "|"
      << t.comment << "|" << t.display_text << "|" << NameFormatName(t.name_format) << "|"
      << t.consent_text << "|" << t.email << "|" << t.first_name << "|" << t.answered_at
      << "|" << Opt(t.decided_at) << "\n";
  }
  return o.str();
}

std::string Describe(const SyncStatus &s) {
  std::ostringstream o;
  o << s.survey_id << "|" << s.enabled << "|" << s.running << "|" << s.run_requested
    << "|" << Opt(s.last_run_started_at) << "|" << Opt(s.last_run_finished_at) << "|"
    << Opt(s.last_success_at) << "|" << Opt(s.next_run_at) << "|" << s.cursor_seq << "|"
    << s.messages_sent << "|" << s.messages_skipped << "|" << s.requests_made << "|"
    << s.failures << "|" << s.last_error << "|" << s.pending;
  return o.str();
}

std::string Describe(const std::vector<ReportRun> &runs) {
  std::ostringstream o;
  for (const ReportRun &r : runs) {
    o << r.survey_id << "|" << r.period.from << "|" << r.period.to << "|"
      << ReportRunStatusName(r.status) << "|" << r.attempts << "|" << Join(r.handled)
      << "|" << r.last_error << "|" << Opt(r.finished_at) << "\n";
  }
  return o.str();
}

// What the fixture made, to look it up on both sides.
struct Made {
  Survey main, later, quiet;
  int64_t ada_first = 0, ada_second = 0, bob = 0, dee = 0;
  std::string image_key = "0123abcd.png";
  std::string image_bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\x00", 18);
};

class StoreCopyTest : public ::testing::Test {
 protected:
  // An identify as Segment sends it, with a messageId (seen_messages).
  static void Identify(Store *store, const Survey &survey, nlohmann::json traits,
                       int64_t now, const std::string &user_id = "") {
    static int message = 0;
    nlohmann::json m = {{"type", "identify"},
                        {"messageId", "msg-" + std::to_string(++message)},
                        {"traits", std::move(traits)}};
    if (!user_id.empty()) m["userId"] = user_id;
    if (user_id.empty()) m["anonymousId"] = "anon-" + std::to_string(message);
    auto parsed = ParseSpecMessage(m, "");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    IngestJob job;
    job.api_key = survey.api_key;
    job.identifies.push_back(*parsed->identify);
    store->ApplyIngest({&job}, now);
    ASSERT_TRUE(job.status.ok()) << job.status.message();
  }

  // Claims what is due at `now` and records each claim as `outcome`; the
  // claimed invitation ids.
  static std::vector<int64_t> Deliver(
      Store *store, int64_t now,
      DeliveryRecord::Outcome outcome = DeliveryRecord::Outcome::kSent) {
    auto claims = store->ClaimDueInvitations(now, 100, 60, "old-host");
    EXPECT_TRUE(claims.ok()) << claims.status().message();
    std::vector<int64_t> ids;
    std::vector<DeliveryRecord> records;
    for (const DeliveryClaim &c : claims.ok() ? *claims : std::vector<DeliveryClaim>{}) {
      DeliveryRecord r;
      r.invitation_id = c.invitation_id;
      r.outcome = outcome;
      r.retry_at = now + 600;
      r.error = outcome == DeliveryRecord::Outcome::kSent ? "" : "421 try later";
      records.push_back(r);
      ids.push_back(c.invitation_id);
    }
    EXPECT_TRUE(store->RecordDeliveries(records, now, "old-host").ok());
    return ids;
  }

  static int64_t DeliverOne(Store *store, int64_t now) {
    const std::vector<int64_t> ids = Deliver(store, now);
    EXPECT_EQ(ids.size(), 1u);
    return ids.empty() ? 0 : ids.front();
  }

  // A bit of everything, through the store's API, as a host running on
  // SQLite for a while would have written it: every copied table gets rows,
  // and erasures leave gaps in the ids.
  static Made Populate(Store *store) {
    Made made;
    Survey main;
    main.name = "Main \"NPS\"";
    main.policy.min_delay_days = 0;
    main.policy.automation = true;
    main.policy.monthly_budget = 1000;
    main.segment_write_key = "wk_main";
    main.content_json = R"({"language":"de"})";
    main.embed_origins = {"https://acme.example"};
    main.retention_months = 24;
    main.report_frequency = ReportFrequency::kWeekly;
    main.report_recipients = {"owner@example.com"};
    // Bob's detractor answer below queues an alert (sent there).
    main.alerts.on = AlertBands::kDetractors;
    main.alerts.recipients = {"owner@example.com"};
    main.reply_to = "support@example.com";
    main.reminder_after_days = 3;
    // Always open: the copy carries it, the mail below still goes at once.
    main.send_window =
        R"({"days":["mon","tue","wed","thu","fri","sat","sun"],"end":"24:00",)"
        R"("start":"00:00","time_zone":"UTC","use_customer_time_zone":true})";
    auto created = store->CreateSurvey(main, kNow - 2 * kSecondsPerDay);
    EXPECT_TRUE(created.ok()) << created.status().message();
    made.main = *created;
    // Its answers below queue events for this webhook.
    Webhook hook;
    hook.survey_id = made.main.id;
    hook.url = "https://hooks.example.com/nps";
    hook.events = {"response.created", "response.updated"};
    hook.format = "standard";
    hook.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    EXPECT_TRUE(store->CreateWebhook(hook, kNow - 2 * kSecondsPerDay).ok());

    Survey later;
    later.name = "Later";
    later.policy.min_delay_days = 3;
    later.policy.automation = true;
    created = store->CreateSurvey(later, kNow - kSecondsPerDay);
    EXPECT_TRUE(created.ok());
    made.later = *created;
    Survey quiet;
    quiet.name = "Quiet";
    created = store->CreateSurvey(quiet, kNow - kSecondsPerDay);
    EXPECT_TRUE(created.ok());
    made.quiet = *created;

    // One who is erased first, so that ids have a gap.
    Identify(store, made.main, {{"email", "gone@example.com"}}, kNow - 100, "u-gone");
    DeliverOne(store, kNow - 100);
    auto erased = store->ErasePerson("gone@example.com", kNow - 50);
    EXPECT_TRUE(erased.ok()) << erased.status().message();

    Identify(store, made.main,
             {{"email", "ada@example.com"},
              {"firstName", "Ada"},
              {"lastName", "Lovelace"},
              {"createdAt", "2026-11-20T10:00:00Z"},
              {"plan", "pro"}},
             kNow, "u-ada");
    made.ada_first = DeliverOne(store, kNow);
    Identify(store, made.main, {{"email", "bob@example.com"}, {"name", "Bob B."}}, kNow);
    made.bob = DeliverOne(store, kNow);
    Identify(store, made.main, {{"email", "zoe@example.com"}, {"firstName", "Zoë"}}, kNow,
             "u-zoe");
    const int64_t zoe = DeliverOne(store, kNow);
    Identify(store, made.main, {{"email", "dee@example.com"}}, kNow, "u-dee");
    made.dee = DeliverOne(store, kNow);

    Answer ada;
    ada.score = 10;
    ada.comment = "Great \"support\",\nand 'fair' prices";
    ada.tag_ratings = {{"Support", 5}, {"Price", 4}};
    ada.extra_answers = {{"feature", "dark mode"}};
    ada.consent = true;
    ada.consent_text = "You may quote me";
    EXPECT_TRUE(store->SaveAnswer(made.ada_first, ada, false, kNow + 60).ok());
    Moderation approve;
    approve.approve = true;
    approve.name_format = NameFormat::kFirstName;
    EXPECT_TRUE(
        store->ModerateTestimonial(made.main.id, made.ada_first, approve, kNow + 90)
            .ok());
    Answer bob;
    bob.score = 3;
    bob.comment = "meh";
    EXPECT_TRUE(store->SaveAnswer(made.bob, bob, false, kNow + 70).ok());
    {
      const int64_t at = kNow + 70 + 600;
      auto alerts = store->ClaimSettledAlerts("copy", {at, at}, at, 60, 10);
      EXPECT_TRUE(alerts.ok() && alerts->size() == 1u);
      if (alerts.ok() && !alerts->empty()) {
        EXPECT_TRUE(
            store->FinishAlert(made.bob, "copy", 1, AlertOutcome::kSent, "", 0, at).ok());
      }
    }
    Answer zoe_score;
    zoe_score.score = 9;
    EXPECT_TRUE(store->SaveAnswer(zoe, zoe_score, true, kNow + 80).ok());
    EXPECT_TRUE(store->Unsubscribe(made.dee, kNow + 100).ok());
    // Dee's reminder, due three days on, is recorded as skipped.
    auto reminders =
        store->ClaimDueReminders(kNow + 3 * kSecondsPerDay, 10, 60, "old-host");
    EXPECT_TRUE(reminders.ok() && reminders->empty());

    // Ada again, half a year later: her first answer gets a next_answer_at.
    Identify(store, made.main, {{"email", "ada@example.com"}}, kLater, "u-ada");
    made.ada_second = DeliverOne(store, kLater);
    Answer again;
    again.score = 8;
    again.comment = "still good";
    EXPECT_TRUE(store->SaveAnswer(made.ada_second, again, false, kLater + 60).ok());
    // One whose invitation is retrying, one scheduled in three days.
    Identify(store, made.main, {{"email", "eve@example.com"}}, kLater + 100, "u-eve");
    EXPECT_EQ(Deliver(store, kLater + 100, DeliveryRecord::Outcome::kRetry).size(), 1u);
    Identify(store, made.later, {{"email", "fay@example.com"}}, kLater + 100, "u-fay");

    EXPECT_TRUE(
        store->PutImage(made.image_key, {"image/png", made.image_bytes}, kNow).ok());

    AuditEntry change;
    change.at = kNow + 1;
    change.actor = "alice";
    change.role = "owner";
    change.action = "survey.update";
    change.survey_id = made.main.id;
    change.details = R"({"changes":{"name":{"before":"NPS","after":"Main"}}})";
    EXPECT_TRUE(store->RecordAudit(change).ok());

    // Bob's detractor answer followed up: a note and a reply queued.
    FollowUpChange assign;
    assign.assignee = "alice";
    assign.actor = "alice";
    EXPECT_TRUE(store->UpdateFollowUp(made.main.id, made.bob, assign, kNow + 75).ok());
    EXPECT_TRUE(
        store->AddFollowUpNote(made.main.id, made.bob, "alice", "Call him", kNow + 76)
            .ok());
    EXPECT_TRUE(
        store->QueueReply(made.main.id, made.bob, "alice", "Sorry, Bob", kNow + 77).ok());

    // One report run sent, one leased (lease_owner set) when the host stopped.
    const TimeSpan week{kNow - 7 * kSecondsPerDay, kNow};
    auto run = store->ClaimReportRun(made.main.id, week, "old-host", kNow, 600);
    EXPECT_TRUE(run.ok() && run->has_value());
    EXPECT_TRUE(store
                    ->RecordReportRecipient(made.main.id, week.from, "old-host",
                                            "owner@example.com")
                    .ok());
    EXPECT_TRUE(store
                    ->FinishReportRun(made.main.id, week.from, "old-host",
                                      ReportRunStatus::kSent, "", 0, kNow + 5)
                    .ok());
    run = store->ClaimReportRun(made.main.id, {kNow, kNow + 7 * kSecondsPerDay},
                                "old-host", kNow + 7 * kSecondsPerDay, 600);
    EXPECT_TRUE(run.ok() && run->has_value());

    // A sync-back run that sent the first answers.
    auto work = store->ClaimSyncWork(kLater + 200, "old-host", 60, 2);
    EXPECT_TRUE(work.ok() && work->has_value());
    if (work.ok() && work->has_value()) {
      SyncStepRecord step;
      step.survey_id = (*work)->survey_id;
      step.cursor_seq = (*work)->items.back().change_seq;
      step.messages_sent = static_cast<int64_t>((*work)->items.size());
      step.requests_made = 1;
      EXPECT_TRUE(store->FinishSyncStep(step, "old-host", kLater + 201).ok());
    }
    EXPECT_TRUE(store->TokenSecret().ok());
    return made;
  }

  std::unique_ptr<SqliteConnections> SqliteDb(const std::string &path) {
    auto c = SqliteConnections::Open(path);
    EXPECT_TRUE(c.ok()) << c.status().ToLogString();
    return c.ok() ? std::move(c.value()) : nullptr;
  }
  Dump SqliteDump() { return DumpAll(*SqliteDb(sqlite_.path())); }
  Dump PgDump() {
    PgConnections pg(pg_.conninfo());
    return DumpAll(pg);
  }

  // Populates the SQLite database, stops its "host" and moves it.
  Made PopulateAndMove(CopyReport *report) {
    Made made;
    {
      std::unique_ptr<Store> old = sqlite_.Open();
      made = Populate(old.get());
    }
    const Status s = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), report);
    EXPECT_TRUE(s.ok()) << s.message() << ": " << s.detail();
    return made;
  }

  SqliteTestBackend sqlite_;
  PostgresTestBackend pg_;
};

TEST_F(StoreCopyTest, CopiedTablesAreEveryColumnOfBothSchemas) {
  sqlite_.Open();
  pg_.Open();
  auto sqlite = SqliteDb(sqlite_.path());
  PgConnections pg(pg_.conninfo());
  std::set<std::string> listed(TablesNotCopied().begin(), TablesNotCopied().end());
  for (const CopyTable &t : CopiedTables()) listed.insert(t.name);

  auto check = [&](SqlConnections &db, const std::string &tables_sql,
                   const std::string &columns_sql) {
    const Status s = db.Read([&](SqlSession &session) -> Status {
      std::set<std::string> tables;
      Statement q;
      Status s = q.Prepare(session, tables_sql);
      while (s.ok() && q.Step()) tables.insert(q.Text(0));
      EXPECT_TRUE(q.status().ok()) << q.status().ToLogString();
      for (const std::string &name : tables) {
        EXPECT_EQ(listed.count(name), 1u) << db.dialect().name() << ": table " << name;
      }
      for (const CopyTable &t : CopiedTables()) {
        EXPECT_EQ(tables.count(t.name), 1u)
            << db.dialect().name() << ": table " << t.name;
      }
      for (const CopyTable &t : CopiedTables()) {
        Statement c;
        s = c.Prepare(session, columns_sql);
        if (!s.ok()) return s;
        c.Bind(1, std::string_view(t.name));
        std::vector<std::string> have, want;
        while (c.Step()) have.push_back(c.Text(0) + " " + c.Text(1));
        EXPECT_TRUE(c.status().ok()) << c.status().ToLogString();
        for (const CopyColumn &col : t.columns) {
          const bool sqlite = db.dialect().backend() == SqlBackend::kSqlite;
          std::string type;
          switch (col.kind) {
            case CopyColumnKind::kInt:
              type = sqlite ? "INTEGER" : "bigint NO";
              break;
            case CopyColumnKind::kOptionalInt:
              type = sqlite ? "INTEGER" : "bigint YES";
              break;
            case CopyColumnKind::kText:
              type = sqlite ? "TEXT" : "text NO";
              break;
            case CopyColumnKind::kOptionalText:
              type = sqlite ? "TEXT" : "text YES";
              break;
            case CopyColumnKind::kBlob:
              type = sqlite ? "BLOB" : "bytea NO";
              break;
          }
          want.push_back(std::string(col.name) + " " + type);
        }
        EXPECT_EQ(have, want) << db.dialect().name() << " table " << t.name;
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToLogString();
  };
  // SQLite's declared types; PostgreSQL's types and nullability.
  check(
      *sqlite,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
      "ESCAPE '!'",
      "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid");
  check(pg,
        "SELECT CAST(table_name AS text) FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        "SELECT CAST(column_name AS text), "
        "CAST(data_type AS text) || ' ' || CAST(is_nullable AS text) "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ?1 ORDER BY ordinal_position");
  // A table with an identity id on PostgreSQL is marked so (its sequence
  // is moved past the copied ids), and no other.
  for (const CopyTable &t : CopiedTables()) {
    EXPECT_EQ(pg_.QueryInt(std::string("SELECT count(*) FROM information_schema.columns "
                                       "WHERE table_schema = current_schema() AND "
                                       "table_name = '") +
                           t.name + "' AND is_identity = 'YES'"),
              t.identity_id ? 1 : 0)
        << t.name;
  }
}

TEST_F(StoreCopyTest, MovesEveryRowWithItsIdsKeysAndTokenSecret) {
  CopyReport report;
  const Made made = PopulateAndMove(&report);

  // Every table had rows to copy, and the report counts them.
  ASSERT_EQ(report.tables.size(), CopiedTables().size());
  for (size_t i = 0; i < report.tables.size(); ++i) {
    const std::string name = CopiedTables()[i].name;
    EXPECT_EQ(report.tables[i].name, name);
    EXPECT_GT(report.tables[i].rows, 0)
        << name << ": the fixture should fill every table";
    EXPECT_EQ(report.tables[i].rows, sqlite_.QueryInt("SELECT count(*) FROM " + name))
        << name;
    EXPECT_EQ(report.tables[i].rows, pg_.QueryInt("SELECT count(*) FROM " + name))
        << name;
  }
  // Row for row, column for column (next_answer_at as the triggers keep it).
  const Dump before = SqliteDump(), after = PgDump();
  for (const CopyTable &t : CopiedTables()) {
    EXPECT_EQ(before.at(t.name), after.at(t.name)) << t.name;
  }
  EXPECT_GT(pg_.QueryInt("SELECT count(*) FROM answers WHERE next_answer_at IS NOT NULL"),
            0);
  EXPECT_EQ(pg_.QueryInt("SELECT count(*) FROM report_runs WHERE lease_owner IS NULL"),
            1);

  // And as the store reads it.
  std::unique_ptr<Store> old = sqlite_.Open(), moved = pg_.Open();
  ASSERT_NE(moved, nullptr);
  auto surveys_old = old->ListSurveys(), surveys_new = moved->ListSurveys();
  ASSERT_TRUE(surveys_old.ok() && surveys_new.ok());
  ASSERT_EQ(surveys_new->size(), 3u);
  for (size_t i = 0; i < surveys_old->size(); ++i) {
    EXPECT_EQ(Describe((*surveys_old)[i]), Describe((*surveys_new)[i]));
  }
  for (const Survey &survey : *surveys_old) {
    CustomerQuery cq;
    cq.survey_id = survey.id;
    auto c_old = old->FindCustomers(cq), c_new = moved->FindCustomers(cq);
    ASSERT_TRUE(c_old.ok() && c_new.ok());
    EXPECT_EQ(Describe(*c_old), Describe(*c_new));
    ResponseQuery rq;
    rq.survey_id = survey.id;
    auto r_old = old->ListResponses(rq), r_new = moved->ListResponses(rq);
    ASSERT_TRUE(r_old.ok() && r_new.ok());
    EXPECT_EQ(Describe(*r_old), Describe(*r_new));
    auto s_old = old->GetSyncStatus(survey.id), s_new = moved->GetSyncStatus(survey.id);
    ASSERT_TRUE(s_old.ok() && s_new.ok());
    EXPECT_EQ(Describe(*s_old), Describe(*s_new));
    auto runs_old = old->ListReportRuns(survey.id, 10);
    auto runs_new = moved->ListReportRuns(survey.id, 10);
    ASSERT_TRUE(runs_old.ok() && runs_new.ok());
    EXPECT_EQ(Describe(*runs_old), Describe(*runs_new));
    for (auto status : {TestimonialStatus::kPending, TestimonialStatus::kApproved}) {
      TestimonialQuery tq;
      tq.survey_id = survey.id;
      tq.status = status;
      auto t_old = old->ListTestimonials(tq), t_new = moved->ListTestimonials(tq);
      ASSERT_TRUE(t_old.ok() && t_new.ok());
      EXPECT_EQ(Describe(*t_old), Describe(*t_new));
    }
    ReportFilter filter;
    filter.survey_id = survey.id;
    ReportSpans spans;
    spans.period = {kNow - kSecondsPerDay, kLater + kSecondsPerDay};
    spans.previous = {kNow - 400 * kSecondsPerDay, kNow - kSecondsPerDay};
    spans.trend = {{kNow, kNow + kSecondsPerDay}, {kLater, kLater + kSecondsPerDay}};
    auto count_old = old->CountReport(filter, spans),
         count_new = moved->CountReport(filter, spans);
    ASSERT_TRUE(count_old.ok() && count_new.ok());
    EXPECT_EQ(Describe(*count_old), Describe(*count_new));
  }

  // The emailed links: same secret, so a token signed before the move is
  // one the moved store's pages accept, for the same invitation.
  auto secret_old = old->TokenSecret(), secret_new = moved->TokenSecret();
  ASSERT_TRUE(secret_old.ok() && secret_new.ok());
  EXPECT_EQ(*secret_old, *secret_new);
  const std::string token = SignInvitationToken(
      {TokenPurpose::kAnswer, made.bob, kLater + 30 * kSecondsPerDay}, *secret_old);
  auto claims = VerifyInvitationToken(token, TokenPurpose::kAnswer, *secret_new, kLater);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  for (int64_t id : {claims->invitation_id, made.ada_first, made.ada_second, made.dee}) {
    auto inv_old = old->LoadInvitation(id), inv_new = moved->LoadInvitation(id);
    ASSERT_TRUE(inv_old.ok() && inv_new.ok()) << id;
    EXPECT_EQ(Describe(*inv_old), Describe(*inv_new));
  }
  // The Segment keys find the same surveys: an identify on the moved store
  // lands in the main survey.
  auto metrics_old = old->ReadMetrics(kLater), metrics_new = moved->ReadMetrics(kLater);
  ASSERT_TRUE(metrics_old.ok() && metrics_new.ok());
  EXPECT_EQ(Describe(*metrics_old), Describe(*metrics_new));
  auto counts_old = old->CountBySurvey(kNow - 27 * kSecondsPerDay);
  auto counts_new = moved->CountBySurvey(kNow - 27 * kSecondsPerDay);
  ASSERT_TRUE(counts_old.ok() && counts_new.ok());
  ASSERT_EQ(counts_old->size(), counts_new->size());
  for (size_t i = 0; i < counts_old->size(); ++i) {
    EXPECT_EQ((*counts_old)[i].survey_id, (*counts_new)[i].survey_id);
    EXPECT_EQ((*counts_old)[i].invitations_this_month,
              (*counts_new)[i].invitations_this_month);
    EXPECT_EQ((*counts_old)[i].answers, (*counts_new)[i].answers);
  }
  SuppressionQuery sq;
  auto sup_old = old->ListSuppressions(sq), sup_new = moved->ListSuppressions(sq);
  ASSERT_TRUE(sup_old.ok() && sup_new.ok());
  ASSERT_EQ(sup_new->size(), 2u);  // dee unsubscribed, gone erased
  for (size_t i = 0; i < sup_old->size(); ++i) {
    EXPECT_EQ((*sup_old)[i].email, (*sup_new)[i].email);
    EXPECT_EQ((*sup_old)[i].reason, (*sup_new)[i].reason);
    EXPECT_EQ((*sup_old)[i].created_at, (*sup_new)[i].created_at);
  }
  auto image = moved->GetImage(made.image_key);
  ASSERT_TRUE(image.ok() && image->has_value());
  EXPECT_EQ((*image)->content_type, "image/png");
  EXPECT_EQ((*image)->bytes, made.image_bytes);
  auto published = moved->PublishedTestimonials(made.main.public_id, 10);
  ASSERT_TRUE(published.ok() && published->has_value());
  ASSERT_EQ((*published)->items.size(), 1u);
  EXPECT_EQ((*published)->items[0].first_name, "Ada");
}

TEST_F(StoreCopyTest, NewRowsOnPostgresqlGetIdsAfterTheCopiedOnes) {
  CopyReport report;
  const Made made = PopulateAndMove(&report);
  const int64_t max_survey = sqlite_.QueryInt("SELECT max(id) FROM surveys");
  const int64_t max_customer = sqlite_.QueryInt("SELECT max(id) FROM customers");
  const int64_t max_invitation = sqlite_.QueryInt("SELECT max(id) FROM invitations");
  const int64_t max_image = sqlite_.QueryInt("SELECT max(id) FROM images");
  const int64_t max_seq = sqlite_.QueryInt("SELECT max(change_seq) FROM answers");

  std::unique_ptr<Store> moved = pg_.Open();
  Survey draft;
  draft.name = "After the move";
  draft.policy.min_delay_days = 0;
  draft.policy.automation = true;
  auto created = moved->CreateSurvey(draft, kLater);
  ASSERT_TRUE(created.ok()) << created.status().ToLogString();
  EXPECT_EQ(created->id, max_survey + 1);

  // The old survey's key still works; the new customer and invitation
  // follow the copied ids.
  Identify(moved.get(), made.main, {{"email", "new@example.com"}}, kLater + 10, "u-new");
  CustomerQuery q;
  q.survey_id = made.main.id;
  q.email = "new@example.com";
  auto found = moved->FindCustomers(q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, max_customer + 1);
  const int64_t invitation = DeliverOne(moved.get(), kLater + 10);
  EXPECT_EQ(invitation, max_invitation + 1);
  Answer answer;
  answer.score = 7;
  ASSERT_TRUE(moved->SaveAnswer(invitation, answer, false, kLater + 20).ok());
  auto loaded = moved->LoadInvitation(invitation);
  ASSERT_TRUE(loaded.ok() && loaded->answer.has_value());
  EXPECT_EQ(loaded->answer->change_seq, max_seq + 1);
  ASSERT_TRUE(moved->PutImage("ffff.gif", {"image/gif", "GIF89a"}, kLater).ok());
  EXPECT_EQ(pg_.QueryInt("SELECT id FROM images WHERE key = 'ffff.gif'"), max_image + 1);
}

TEST_F(StoreCopyTest, RefusesATargetThatIsNotEmptyAndChangesNothing) {
  CopyReport report;
  PopulateAndMove(&report);
  const Dump moved = PgDump();
  CopyReport again;
  const Status s = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), &again);
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("not empty"), std::string::npos) << s.message();
  EXPECT_NE(s.detail().find("surveys"), std::string::npos) << s.detail();
  EXPECT_TRUE(again.tables.empty());
  EXPECT_EQ(PgDump(), moved);
}

TEST_F(StoreCopyTest, ATokenSecretMadeOnTheTargetGivesWayToTheSources) {
  // nginx was started on the new database once before the move: it made
  // a secret of its own, and no survey, so no link carries it.
  std::string made_there;
  {
    std::unique_ptr<Store> early = pg_.Open();
    auto secret = early->TokenSecret();
    ASSERT_TRUE(secret.ok());
    made_there = *secret;
  }
  CopyReport report;
  PopulateAndMove(&report);
  std::unique_ptr<Store> old = sqlite_.Open(), moved = pg_.Open();
  auto want = old->TokenSecret(), have = moved->TokenSecret();
  ASSERT_TRUE(want.ok() && have.ok());
  EXPECT_EQ(*have, *want);
  EXPECT_NE(*have, made_there);
}

TEST_F(StoreCopyTest, AnEmptyDatabaseMovesAndIdsStartAtOne) {
  sqlite_.Open();  // made and migrated, never used
  CopyReport report;
  const Status s = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), &report);
  ASSERT_TRUE(s.ok()) << s.ToLogString();
  for (const CopyReport::Table &t : report.tables) EXPECT_EQ(t.rows, 0) << t.name;
  std::unique_ptr<Store> moved = pg_.Open();
  Survey draft;
  draft.name = "First";
  auto created = moved->CreateSurvey(draft, kNow);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->id, 1);
}

TEST_F(StoreCopyTest, RefusesAPasswordAMissingFileAndAFileOfAnotherApplication) {
  CopyReport report;
  Status s = CopySqliteToPostgresql(
      sqlite_.path(), "postgresql://callexa:secret@127.0.0.1/callexa", &report);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("password"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("secret"), std::string::npos) << s.message();

  s = CopySqliteToPostgresql(sqlite_.path(), sqlite_.dir() + "/other.db", &report);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToLogString();
  // The arguments swapped: not taken for a file, and not repeated.
  s = CopySqliteToPostgresql(pg_.conninfo(), pg_.conninfo(), &report);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToLogString();
  EXPECT_EQ(s.ToLogString().find("passfile"), std::string::npos) << s.ToLogString();

  // A wrong path does not become a new, empty database.
  s = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), &report);
  EXPECT_EQ(s.code(), Status::Code::kNotFound) << s.ToLogString();
  EXPECT_NE(s.detail().find(sqlite_.path()), std::string::npos) << s.detail();
  EXPECT_FALSE(std::filesystem::exists(sqlite_.path()));

  // Nor is a file without Callexa's schema (empty, or another program's).
  std::ofstream(sqlite_.path()).close();
  s = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), &report);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToLogString();
  EXPECT_NE(s.message().find("not a Callexa database"), std::string::npos) << s.message();
  EXPECT_EQ(pg_.QueryInt("SELECT count(*) FROM information_schema.tables "
                         "WHERE table_schema = current_schema()"),
            0);
}

TEST_F(StoreCopyTest, RefusesAColumnItDoesNotKnowInsteadOfDroppingIt) {
  {
    std::unique_ptr<Store> old = sqlite_.Open();
    Survey draft;
    draft.name = "NPS";
    ASSERT_TRUE(old->CreateSurvey(draft, kNow).ok());
  }
  // As if a migration had added a column and the copy's list had not.
  sqlite_.Exec("ALTER TABLE customers ADD COLUMN nickname TEXT NOT NULL DEFAULT ''");
  CopyReport report;
  const Status s = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), &report);
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_NE(s.detail().find("nickname"), std::string::npos) << s.detail();
  EXPECT_EQ(pg_.QueryInt("SELECT count(*) FROM surveys"), 0);

  sqlite_.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY)");
  sqlite_.Exec("ALTER TABLE customers DROP COLUMN nickname");
  const Status t = CopySqliteToPostgresql(sqlite_.path(), pg_.conninfo(), &report);
  EXPECT_EQ(t.code(), Status::Code::kIOError);
  EXPECT_NE(t.detail().find("notes"), std::string::npos) << t.detail();
  EXPECT_EQ(pg_.QueryInt("SELECT count(*) FROM surveys"), 0);
}

TEST_F(StoreCopyTest, CopiesBackFromPostgresqlToANewSqliteFile) {
  CopyReport report;
  PopulateAndMove(&report);
  SqliteTestBackend back;
  {
    PgConnections pg(pg_.conninfo());
    std::unique_ptr<SqliteConnections> file = SqliteDb(back.path());
    ASSERT_NE(file, nullptr);
    CopyReport back_report;
    const Status s = CopyStore(pg, *file, &back_report);
    ASSERT_TRUE(s.ok()) << s.ToLogString();
    for (size_t i = 0; i < report.tables.size(); ++i) {
      EXPECT_EQ(back_report.tables[i].rows, report.tables[i].rows);
    }
  }
  EXPECT_EQ(DumpAll(*SqliteDb(back.path())), SqliteDump());
  std::unique_ptr<Store> store = back.Open();
  Survey draft;
  draft.name = "Back home";
  auto created = store->CreateSurvey(draft, kLater);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->id, sqlite_.QueryInt("SELECT max(id) FROM surveys") + 1);
}

}  // namespace
}  // namespace callexa
