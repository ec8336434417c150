#include "store/sql_store.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "common/secrets.h"
#include "common/time_format.h"
#include "policy/api_key.h"
#include "policy/customer_state.h"
#include "policy/erasure.h"
#include "policy/identify_plan.h"
#include "sql/row_batch.h"
#include "store/alert_store.h"
#include "store/customer_filter.h"
#include "store/schema.h"

namespace callexa {
namespace {

constexpr int64_t kSeenMessageDays = 7;

const char kSurveyColumns[] =
    "id, public_id, api_key, name, min_delay_days, max_delay_days, "
    "resurvey_interval_days, automation, segment_write_key, monthly_budget, "
    "created_at, updated_at, content, embed_origins, retention_months, report_frequency, "
    "report_recipients, archived_at, alerts, reply_to, reminder_after_days, send_window";

// A JSON array of strings as stored; anything else reads as empty.
std::vector<std::string> ReadStringList(const std::string &stored) {
  std::vector<std::string> out;
  const nlohmann::json list = nlohmann::json::parse(stored, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto &item : list) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Survey ReadSurvey(const Statement &q) {
  Survey s;
  s.id = q.Int(0);
  s.public_id = q.Text(1);
  s.api_key = q.Text(2);
  s.name = q.Text(3);
  s.policy.min_delay_days = static_cast<int>(q.Int(4));
  s.policy.max_delay_days = static_cast<int>(q.Int(5));
  s.policy.resurvey_interval_days = static_cast<int>(q.Int(6));
  s.policy.automation = q.Int(7) != 0;
  s.segment_write_key = q.Text(8);
  s.policy.monthly_budget = q.OptionalInt(9);
  s.created_at = q.Int(10);
  s.updated_at = q.Int(11);
  s.content_json = q.Text(12);
  s.embed_origins = ReadStringList(q.Text(13));
  const std::optional<int64_t> retention = q.OptionalInt(14);
  if (retention) s.retention_months = static_cast<int>(*retention);
  s.report_frequency = ParseReportFrequency(q.Text(15)).value_or(ReportFrequency::kOff);
  s.report_recipients = ReadStringList(q.Text(16));
  s.archived_at = q.OptionalInt(17);
  s.alerts = ReadAlertSettings(q.Text(18));
  s.reply_to = q.Text(19);
  const std::optional<int64_t> reminder = q.OptionalInt(20);
  if (reminder) s.reminder_after_days = static_cast<int>(*reminder);
  s.send_window = q.Text(21);
  return s;
}

// Binds the owner's settings to sixteen parameters from `first` on, in the
// order name, min, max, interval, automation, write key, budget, content,
// embed origins, retention, report frequency, report recipients, alerts,
// reply-to, reminder days, send window (empty: bind it as NULLIF(?n, '')).
Statement &BindSettings(Statement &st, int first, const Survey &s) {
  return st.Bind(first, s.name)
      .Bind(first + 1, int64_t{s.policy.min_delay_days})
      .Bind(first + 2, int64_t{s.policy.max_delay_days})
      .Bind(first + 3, int64_t{s.policy.resurvey_interval_days})
      .Bind(first + 4, int64_t{s.policy.automation})
      .Bind(first + 5, s.segment_write_key)
      .Bind(first + 6, s.policy.monthly_budget)
      .Bind(first + 7, s.content_json)
      .Bind(first + 8, nlohmann::json(s.embed_origins).dump())
      .Bind(first + 9, s.retention_months ? std::optional<int64_t>(*s.retention_months)
                                          : std::nullopt)
      .Bind(first + 10, std::string_view(ReportFrequencyName(s.report_frequency)))
      .Bind(first + 11, nlohmann::json(s.report_recipients).dump())
      .Bind(first + 12, DumpAlertSettings(s.alerts))
      .Bind(first + 13, s.reply_to)
      .Bind(first + 14, s.reminder_after_days
                            ? std::optional<int64_t>(*s.reminder_after_days)
                            : std::nullopt)
      .Bind(first + 15, s.send_window);
}

}  // namespace

Result<std::unique_ptr<SqlStore>> SqlStore::Open(
    std::unique_ptr<SqlConnections> connections) {
  std::unique_ptr<SqlStore> store(new SqlStore(std::move(connections)));
  Status s = store->EnsureSchema();
  if (!s.ok() && s.code() != Status::Code::kUnavailable) return s;
  return store;
}

Status SqlStore::EnsureSchema() {
  if (schema_ready_) return Status::Ok();
  std::lock_guard<std::mutex> lock(schema_mu_);
  if (schema_ready_) return Status::Ok();
  Status s = connections_->Write(
      [this](SqlSession &db) { return MigrateSchema(db, dialect()); });
  if (s.ok()) schema_ready_ = true;
  return s;
}

void SqlStore::ApplyIngest(const std::vector<IngestJob *> &jobs, int64_t now) {
  Status s = CommitJobs(jobs, now);
  if (s.ok()) return;
  // A failure of one job's data (not of the database) would fail the whole
  // group: apply each job alone, so that only the one at fault fails.
  const bool data_error = s.code() == Status::Code::kIOError && jobs.size() > 1;
  for (IngestJob *job : jobs) {
    Status alone = data_error ? CommitJobs({job}, now) : s;
    if (!alone.ok()) {
      job->status =
          Status::Unavailable("events not stored, try again", alone.ToLogString());
    }
  }
}

namespace {

// The statements of a group commit on one backend, written once.
struct IngestSql {
  explicit IngestSql(const SqlDialect &dialect)
      : survey_by_prefix(std::string("SELECT ") + kSurveyColumns +
                         " FROM surveys WHERE key_prefix = ?1"),
        remember(Remember(dialect)),
        history(History(dialect)),
        upsert(Upsert(dialect)) {}

  static const IngestSql &For(const SqlDialect &dialect) {
    static const IngestSql sqlite{SqlDialect(SqlBackend::kSqlite)};
    static const IngestSql postgresql{SqlDialect(SqlBackend::kPostgresql)};
    return dialect.backend() == SqlBackend::kSqlite ? sqlite : postgresql;
  }

  const std::string survey_by_prefix, remember, history, upsert;

 private:
  static std::string Remember(const SqlDialect &dialect) {
    const RowBatch r(dialect);
    return "INSERT INTO seen_messages (survey_id, message_id, received_at) SELECT " +
           r.Int(0) + ", " + r.Text(1) + ", ?2 FROM " + r.From() +
           " WHERE true ON CONFLICT DO NOTHING RETURNING survey_id, message_id";
  }

  static std::string History(const SqlDialect &dialect) {
    const RowBatch r(dialect);
    return "SELECT " + r.Int(0) + ", " + r.Text(1) +
           ", c.created_at, c.pending_due_at IS NOT NULL, c.last_surveyed_at, "
           "(SELECT reason FROM suppressions WHERE email IN (" +
           r.Text(1) + ", " + r.Text(2) + ") LIMIT 1) FROM " + r.From() +
           " LEFT JOIN customers c ON c.survey_id = " + r.Int(0) +
           " AND c.email = " + r.Text(1);
  }

  static std::string Upsert(const SqlDialect &dialect) {
    const RowBatch r(dialect);
    auto text = [&](int i) { return r.Text(i); };
    auto integer = [&](int i) { return r.Int(i); };
    auto kept_unless_empty = [](const std::string &column) {
      return column + " = CASE WHEN excluded." + column + " <> '' THEN excluded." +
             column + " ELSE customers." + column + " END, ";
    };
    return "INSERT INTO customers (survey_id, email, user_id, anonymous_id, first_name, "
           "last_name, name, gender, created_at, traits, first_seen_at, last_seen_at, "
           "last_decision, last_decision_at, pending_due_at, pending_since) "
           "SELECT " +
           integer(0) + ", " + text(1) + ", " + text(2) + ", " + text(3) + ", " +
           text(4) + ", " + text(5) + ", " + text(6) + ", " + text(7) + ", " +
           integer(8) + ", " + text(9) + ", ?2, ?2, " + text(10) + ", ?2, " +
           integer(11) + ", CASE WHEN " + text(11) +
           " IS NULL THEN NULL ELSE ?2 END FROM " + r.From() +
           " WHERE true ON CONFLICT (survey_id, email) DO UPDATE SET " +
           kept_unless_empty("user_id") + kept_unless_empty("anonymous_id") +
           kept_unless_empty("first_name") + kept_unless_empty("last_name") +
           kept_unless_empty("name") + kept_unless_empty("gender") +
           "created_at = coalesce(excluded.created_at, customers.created_at), "
           "traits = " +
           dialect.JsonMerge("customers.traits", "excluded.traits") +
           ", "
           "last_seen_at = excluded.last_seen_at, "
           "last_decision = excluded.last_decision, "
           "last_decision_at = excluded.last_decision_at, "
           "pending_due_at = coalesce(excluded.pending_due_at, "
           "customers.pending_due_at), "
           "pending_since = coalesce(excluded.pending_since, customers.pending_since)";
  }
};

// The identifies of one group commit, applied with a fixed number of
// statements on PostgreSQL whatever their count (it is a round trip away):
// the group reads what it needs at once, decides each identify in arrival
// order in memory, and writes once; the rows go through RowBatch.
class IngestBatch {
 public:
  IngestBatch(SqlSession &db, const SqlDialect &dialect, int64_t now)
      : db_(db), dialect_(dialect), sql_(IngestSql::For(dialect)), now_(now) {}

  Status Apply(const std::vector<IngestJob *> &jobs) {
    Status s = Collect(jobs);
    if (s.ok()) s = DropDuplicates();
    if (s.ok()) s = ReadHistories();
    if (s.ok()) s = ReadMonthCounts();
    if (!s.ok()) return s;
    Plan();
    s = WriteCustomers();
    if (s.ok()) s = WriteMonthCounts();
    return s;
  }

 private:
  struct Item {
    IngestJob *job = nullptr;
    const Survey *survey = nullptr;
    const IdentifyMessage *m = nullptr;
    bool duplicate = false;
    IdentifyPlan plan;
    int round = 0;  // how many earlier items of the group are its customer's
  };
  using CustomerKey = std::pair<int64_t, std::string>;  // survey, email

  // Finds each job's survey by its API key; a job without one fails alone.
  Status Collect(const std::vector<IngestJob *> &jobs) {
    for (IngestJob *job : jobs) {
      job->stored = job->duplicates = job->scheduled = 0;
      Result<const Survey *> survey = SurveyByKey(job->api_key);
      if (!survey.ok()) return survey.status();
      if (*survey == nullptr) {
        job->status = Status::Unauthorized("invalid API key");
        continue;
      }
      job->status = Status::Ok();
      for (const IdentifyMessage &m : job->identifies) {
        Item item;
        item.job = job;
        item.survey = *survey;
        item.m = &m;
        items_.push_back(std::move(item));
      }
    }
    return Status::Ok();
  }

  Result<const Survey *> SurveyByKey(const std::string &api_key) {
    if (api_key.empty()) return nullptr;
    auto cached = surveys_.find(api_key);
    if (cached != surveys_.end())
      return cached->second.has_value() ? &*cached->second : nullptr;
    Statement q;
    Status s = q.Prepare(db_, sql_.survey_by_prefix);
    std::vector<Survey> candidates;
    if (s.ok()) {
      q.Bind(1, ApiKeyPrefix(api_key));
      while (q.Step()) candidates.push_back(ReadSurvey(q));
      s = q.status();
    }
    if (!s.ok()) return s;
    const std::optional<Survey> &found =
        surveys_.emplace(api_key, MatchApiKey(std::move(candidates), api_key))
            .first->second;
    return found.has_value() ? &*found : nullptr;
  }

  // Remembers every messageId; an item whose id was already seen, before
  // or earlier in this group, is a duplicate.
  Status DropDuplicates() {
    std::vector<SqlRow> rows;
    for (const Item &item : items_) {
      if (!item.m->message_id.empty()) {
        rows.push_back({item.survey->id, std::string_view(item.m->message_id)});
      }
    }
    if (rows.empty()) return Status::Ok();
    const RowBatch r(dialect_);
    Statement insert;
    Status s = insert.Prepare(db_, sql_.remember);
    std::set<CustomerKey> fresh;
    if (s.ok()) {
      s = r.Run(
          insert, rows, [this](Statement &q) { q.Bind(2, now_); },
          [&](const Statement &q) { fresh.emplace(q.Int(0), q.Text(1)); });
    }
    if (!s.ok()) return s;
    for (Item &item : items_) {
      if (item.m->message_id.empty()) continue;
      item.duplicate = fresh.erase({item.survey->id, item.m->message_id}) == 0;
      if (item.duplicate) ++item.job->duplicates;
    }
    return Status::Ok();
  }

  // What is stored of each customer of the group before it.
  Status ReadHistories() {
    std::vector<SqlRow> rows;
    std::vector<std::string> erased_keys;  // the rows' third columns
    erased_keys.reserve(items_.size());
    for (const Item &item : items_) {
      const CustomerKey key{item.survey->id, item.m->email};
      if (item.duplicate || histories_.count(key) > 0) continue;
      histories_[key];
      erased_keys.push_back(ErasedEmailKey(item.m->email));
      rows.push_back({item.survey->id, std::string_view(item.m->email),
                      std::string_view(erased_keys.back())});
    }
    if (rows.empty()) return Status::Ok();
    const RowBatch r(dialect_);
    Statement q;
    Status s = q.Prepare(db_, sql_.history);
    if (s.ok()) {
      s = r.Run(
          q, rows, [](Statement &) {},
          [this](const Statement &row) {
            StoredCustomerHistory &h = histories_[{row.Int(0), row.Text(1)}];
            h.created_at = row.OptionalInt(2);
            h.has_pending_invitation = row.OptionalInt(3).value_or(0) > 0;
            h.last_surveyed_at = row.OptionalInt(4);
            h.suppression = ParseSuppressionReason(row.Text(5));
          });
    }
    return s;
  }

  // This month's invitations of each survey with a budget.
  Status ReadMonthCounts() {
    for (const Item &item : items_) {
      if (item.duplicate || !item.survey->policy.monthly_budget ||
          month_counts_.count(item.survey->id) > 0) {
        continue;
      }
      Statement q;
      Status s = q.Prepare(db_,
                           "SELECT invitations FROM survey_months "
                           "WHERE survey_id = ?1 AND month_start = ?2");
      int64_t &count = month_counts_[item.survey->id];
      if (s.ok()) {
        q.Bind(1, item.survey->id).Bind(2, StartOfMonthUtc(now_));
        if (q.Step()) count = q.Int(0);
        s = q.status();
      }
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // Decides each identify in arrival order, each seeing what the ones
  // before it changed, as one statement per identify would.
  void Plan() {
    std::map<CustomerKey, int> seen;
    for (Item &item : items_) {
      if (item.duplicate) continue;
      const CustomerKey key{item.survey->id, item.m->email};
      StoredCustomerHistory &h = histories_[key];
      const bool budgeted = item.survey->policy.monthly_budget.has_value();
      if (budgeted) h.invitations_this_month = month_counts_[item.survey->id];
      item.plan = PlanIdentify(item.survey->policy, *item.m, h, now_);
      item.round = seen[key]++;
      if (item.m->created_at) h.created_at = item.m->created_at;
      if (item.plan.pending_due_at) h.has_pending_invitation = true;
      if (item.plan.counts_invitation) {
        ++invitations_[item.survey->id];
        if (budgeted) ++month_counts_[item.survey->id];
        ++item.job->scheduled;
      }
      ++item.job->stored;
    }
  }

  // One upsert per round: a statement may change each customer once.
  Status WriteCustomers() {
    Statement upsert;
    for (int round = 0;; ++round) {
      std::vector<SqlRow> rows;
      for (const Item &item : items_) {
        if (item.duplicate || item.round != round) continue;
        const IdentifyMessage &m = *item.m;
        auto optional = [](const std::optional<int64_t> &v) {
          return v ? SqlValue(*v) : SqlValue();
        };
        rows.push_back(
            {item.survey->id, std::string_view(m.email), std::string_view(m.user_id),
             std::string_view(m.anonymous_id), std::string_view(m.first_name),
             std::string_view(m.last_name), std::string_view(m.name),
             std::string_view(m.gender), optional(m.created_at),
             m.traits_json.empty() ? std::string_view("{}")
                                   : std::string_view(m.traits_json),
             std::string_view(item.plan.decision), optional(item.plan.pending_due_at)});
      }
      if (rows.empty()) return Status::Ok();
      if (round == 0) {
        Status s = upsert.Prepare(db_, sql_.upsert);
        if (!s.ok()) return s;
      }
      Status s = RowBatch(dialect_).Run(
          upsert, rows, [this](Statement &q) { q.Bind(2, now_); },
          [](const Statement &) {});
      if (!s.ok()) return s;
    }
  }

  Status WriteMonthCounts() {
    for (const auto &[survey_id, count] : invitations_) {
      Statement add;
      Status s =
          add.Prepare(db_,
                      "INSERT INTO survey_months (survey_id, month_start, invitations) "
                      "VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (survey_id, month_start) DO UPDATE SET "
                      "invitations = survey_months.invitations + excluded.invitations");
      if (s.ok())
        s = add.Bind(1, survey_id).Bind(2, StartOfMonthUtc(now_)).Bind(3, count).Run();
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  SqlSession &db_;
  const SqlDialect &dialect_;
  const IngestSql &sql_;
  const int64_t now_;
  std::map<std::string, std::optional<Survey>> surveys_;  // by API key
  std::vector<Item> items_;
  std::map<CustomerKey, StoredCustomerHistory> histories_;
  std::map<int64_t, int64_t> month_counts_;  // by survey, with a budget
  std::map<int64_t, int64_t> invitations_;   // new this group, by survey
};

}  // namespace

Status SqlStore::CommitJobs(const std::vector<IngestJob *> &jobs, int64_t now) {
  return Write([&](SqlSession &db) -> Status {
    Status s = IngestBatch(db, dialect(), now).Apply(jobs);
    if (!s.ok()) return s;
    if (now - last_prune_at_ > 3600) {
      Statement prune;
      Status ps = prune.Prepare(db, "DELETE FROM seen_messages WHERE received_at < ?1");
      if (ps.ok()) ps = prune.Bind(1, now - kSeenMessageDays * kSecondsPerDay).Run();
      if (ps.ok()) last_prune_at_ = now;
    }
    return Status::Ok();
  });
}

Result<Survey> SqlStore::LoadSurvey(SqlSession &db, int64_t id) {
  Statement q;
  Status s = q.Prepare(
      db, std::string("SELECT ") + kSurveyColumns + " FROM surveys WHERE id = ?1");
  std::optional<Survey> found;
  if (s.ok()) {
    q.Bind(1, id);
    if (q.Step()) found = ReadSurvey(q);
    s = q.status();
    q.Reset();
  }
  if (!s.ok()) return s;
  if (!found) return Status::NotFound("survey " + std::to_string(id) + " not found");
  return *found;
}

Result<Survey> SqlStore::GetSurvey(int64_t id) {
  Result<Survey> out = Status::NotFound("survey " + std::to_string(id) + " not found");
  Status s = Read([&](SqlSession &db) -> Status {
    out = LoadSurvey(db, id);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<Survey> SqlStore::CreateSurvey(Survey draft, int64_t now) {
  draft.public_id = RandomHex(8);
  draft.api_key = NewApiKey();
  draft.created_at = draft.updated_at = now;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement insert;
    Status ps = insert.Prepare(
        db,
        "INSERT INTO surveys (public_id, api_key, key_prefix, name, min_delay_days, "
        "max_delay_days, resurvey_interval_days, automation, segment_write_key, "
        "monthly_budget, content, embed_origins, retention_months, report_frequency, "
        "report_recipients, alerts, reply_to, reminder_after_days, send_window, "
        "created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?17, ?18, NULLIF(?19, ''), ?20, ?20) RETURNING id");
    if (!ps.ok()) return ps;
    insert.Bind(1, draft.public_id)
        .Bind(2, draft.api_key)
        .Bind(3, ApiKeyPrefix(draft.api_key))
        .Bind(20, now);
    BindSettings(insert, 4, draft);
    if (insert.Step()) draft.id = insert.Int(0);
    ps = insert.status();
    insert.Reset();
    return ps;
  });
  if (!s.ok()) return s;
  return draft;
}

Result<std::vector<Survey>> SqlStore::ListSurveys() {
  std::vector<Survey> out;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(
        db, std::string("SELECT ") + kSurveyColumns + " FROM surveys ORDER BY id");
    while (ps.ok() && q.Step()) out.push_back(ReadSurvey(q));
    return ps.ok() ? q.status() : ps;
  });
  if (!s.ok()) return s;
  return out;
}

Result<Survey> SqlStore::UpdateSurvey(const Survey &survey, int64_t now) {
  Status s = Write([&](SqlSession &db) -> Status {
    Statement update;
    Status ps = update.Prepare(
        db,
        "UPDATE surveys SET name = ?2, min_delay_days = ?3, max_delay_days = ?4, "
        "resurvey_interval_days = ?5, automation = ?6, segment_write_key = ?7, "
        "monthly_budget = ?8, content = ?9, embed_origins = ?10, retention_months = ?11, "
        "report_frequency = ?12, report_recipients = ?13, alerts = ?14, reply_to = ?15, "
        "reminder_after_days = ?16, send_window = NULLIF(?17, ''), updated_at = ?18 "
        "WHERE id = ?1");
    if (!ps.ok()) return ps;
    update.Bind(1, survey.id).Bind(18, now);
    return BindSettings(update, 2, survey).Run();
  });
  if (!s.ok()) return s;
  return GetSurvey(survey.id);
}

Result<Survey> SqlStore::RotateApiKey(int64_t id, int64_t now) {
  const std::string key = NewApiKey();
  Status s = Write([&](SqlSession &db) -> Status {
    Statement update;
    Status ps = update.Prepare(db,
                               "UPDATE surveys SET api_key = ?2, key_prefix = ?3, "
                               "updated_at = ?4 WHERE id = ?1");
    if (!ps.ok()) return ps;
    return update.Bind(1, id).Bind(2, key).Bind(3, ApiKeyPrefix(key)).Bind(4, now).Run();
  });
  if (!s.ok()) return s;
  return GetSurvey(id);
}

Result<std::vector<CustomerView>> SqlStore::FindCustomers(const CustomerQuery &query) {
  std::vector<CustomerView> out;
  Status status = Read([&](SqlSession &db) -> Status {
    Statement q, inv;
    Status s = q.Prepare(
        db,
        "SELECT id, email, user_id, anonymous_id, first_name, last_name, name, gender, "
        "created_at, first_seen_at, last_seen_at, last_decision, pending_due_at, "
        "pending_since, last_surveyed_at FROM customers " +
            CustomerWhereSql() + " ORDER BY id LIMIT ?5 OFFSET ?6");
    if (s.ok()) {
      s = inv.Prepare(
          db,
          "SELECT i.id, i.status, i.due_at, i.created_at, i.sent_at, i.answered_at, "
          "i.last_error, r.status, r.sent_at, r.last_error, "
          "CASE WHEN i.status IN ('queued', 'retry') THEN i.next_attempt_at END "
          "FROM invitations i "
          "LEFT JOIN reminders r ON r.invitation_id = i.id "
          "WHERE i.customer_id = ?1 ORDER BY i.id DESC LIMIT 20");
    }
    if (!s.ok()) return s;
    q.Bind(1, query.survey_id)
        .Bind(2, query.email)
        .Bind(3, query.state)
        .Bind(4, SearchPattern(query.search))
        .Bind(5, int64_t{query.limit})
        .Bind(6, int64_t{query.offset});
    while (q.Step()) {
      CustomerView c;
      c.id = q.Int(0);
      c.email = q.Text(1);
      c.user_id = q.Text(2);
      c.anonymous_id = q.Text(3);
      c.first_name = q.Text(4);
      c.last_name = q.Text(5);
      c.name = q.Text(6);
      c.gender = q.Text(7);
      c.created_at = q.OptionalInt(8);
      c.first_seen_at = q.Int(9);
      c.last_seen_at = q.Int(10);
      const std::string decision = q.Text(11);
      c.due_at = q.OptionalInt(12);
      c.last_surveyed_at = q.OptionalInt(14);
      if (c.due_at) {
        // The queued invitation has no row yet: the scheduler makes one when
        // it claims it.
        InvitationView pending;
        pending.status = InvitationStatus::kScheduled;
        pending.due_at = *c.due_at;
        pending.created_at = q.OptionalInt(13).value_or(c.last_seen_at);
        c.invitations.push_back(pending);
      }
      inv.Bind(1, c.id);
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
        v.next_attempt_at = inv.OptionalInt(10);
        c.invitations.push_back(std::move(v));
      }
      s = inv.status();
      inv.Reset();
      if (!s.ok()) return s;
      CustomerState state = DescribeCustomer(
          decision, c.invitations.empty()
                        ? std::nullopt
                        : std::optional<InvitationStatus>(c.invitations.front().status));
      c.state = std::move(state.state);
      c.reason = std::move(state.reason);
      out.push_back(std::move(c));
    }
    return q.status();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace callexa
