#include "store/sql_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/secrets.h"
#include "common/time_format.h"
#include "policy/api_key.h"
#include "policy/customer_state.h"
#include "policy/erasure.h"
#include "policy/identify_plan.h"
#include "store/schema.h"

namespace callexa {
namespace {

constexpr int64_t kSeenMessageDays = 7;

const char kSurveyColumns[] =
    "id, public_id, api_key, name, min_delay_days, max_delay_days, "
    "resurvey_interval_days, automation, segment_write_key, monthly_budget, "
    "created_at, updated_at, content, embed_origins, retention_months, report_frequency, "
    "report_recipients";

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
  return s;
}

// Binds the owner's settings to twelve parameters from `first` on, in the
// order name, min, max, interval, automation, write key, budget, content,
// embed origins, retention, report frequency, report recipients.
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
      .Bind(first + 11, nlohmann::json(s.report_recipients).dump());
}

// A failure of the database itself, as opposed to a job's own rejection
// (a wrong key): the transaction cannot go on.
bool IsStoreFailure(const Status &s) {
  return s.code() == Status::Code::kIOError || s.code() == Status::Code::kUnavailable;
}

}  // namespace

// The statements of one group commit, prepared once for all its jobs.
struct SqlStore::IngestStatements {
  Statement survey_by_prefix, remember_message, upsert_customer, history, month_count,
      count_invitation;

  Status Prepare(SqlSession &db, const SqlDialect &dialect) {
    const std::string upsert =
        "INSERT INTO customers (survey_id, email, user_id, anonymous_id, first_name, "
        "last_name, name, gender, created_at, traits, first_seen_at, last_seen_at, "
        "last_decision, last_decision_at, pending_due_at, pending_since) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?11, ?13, "
        "        CASE WHEN ?13 IS NULL THEN NULL ELSE ?11 END) "
        "ON CONFLICT (survey_id, email) DO UPDATE SET "
        "user_id = " +
        KeptUnlessEmpty("user_id") +
        ", "
        "anonymous_id = " +
        KeptUnlessEmpty("anonymous_id") +
        ", "
        "first_name = " +
        KeptUnlessEmpty("first_name") +
        ", "
        "last_name = " +
        KeptUnlessEmpty("last_name") +
        ", "
        "name = " +
        KeptUnlessEmpty("name") +
        ", "
        "gender = " +
        KeptUnlessEmpty("gender") +
        ", "
        "created_at = coalesce(excluded.created_at, customers.created_at), "
        "traits = " +
        dialect.JsonMerge("customers.traits", "excluded.traits") +
        ", "
        "last_seen_at = excluded.last_seen_at, "
        "last_decision = excluded.last_decision, "
        "last_decision_at = excluded.last_decision_at, "
        "pending_due_at = coalesce(excluded.pending_due_at, customers.pending_due_at), "
        "pending_since = coalesce(excluded.pending_since, customers.pending_since)";
    return PrepareAll(
        db,
        {
            {&survey_by_prefix, std::string("SELECT ") + kSurveyColumns +
                                    " FROM surveys WHERE key_prefix = ?1"},
            {&remember_message,
             "INSERT INTO seen_messages (survey_id, message_id, received_at) "
             "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"},
            {&upsert_customer, upsert},
            {&history,
             "SELECT c.created_at, c.pending_due_at IS NOT NULL, c.last_surveyed_at, "
             "       (SELECT reason FROM suppressions WHERE email IN (?2, ?3) LIMIT 1) "
             "FROM (SELECT 1) AS one "
             "  LEFT JOIN customers c ON c.survey_id = ?1 AND c.email = ?2"},
            {&month_count,
             "SELECT invitations FROM survey_months "
             "WHERE survey_id = ?1 AND month_start = ?2"},
            {&count_invitation,
             "INSERT INTO survey_months (survey_id, month_start, invitations) "
             "VALUES (?1, ?2, 1) "
             "ON CONFLICT (survey_id, month_start) "
             "DO UPDATE SET invitations = survey_months.invitations + 1"},
        });
  }

 private:
  // An identify's non-empty value replaces the stored one.
  static std::string KeptUnlessEmpty(const std::string &column) {
    return "CASE WHEN excluded." + column + " <> '' THEN excluded." + column +
           " ELSE customers." + column + " END";
  }
};

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
  std::vector<IngestJob *> todo = jobs;
  // A job that fails inside the transaction would leave it half applied:
  // roll everything back, fail that job alone, and go again without it.
  while (!todo.empty()) {
    IngestJob *failed = nullptr;
    Status s = CommitJobs(todo, now, &failed);
    if (s.ok()) return;
    for (IngestJob *job : failed ? std::vector<IngestJob *>{failed} : todo) {
      job->status = Status::Unavailable("events not stored, try again", s.ToLogString());
    }
    if (failed == nullptr) return;
    todo.erase(std::find(todo.begin(), todo.end(), failed));
  }
}

Status SqlStore::CommitJobs(const std::vector<IngestJob *> &jobs, int64_t now,
                            IngestJob **failed) {
  return Write([&](SqlSession &db) -> Status {
    IngestStatements st;
    Status s = st.Prepare(db, dialect());
    if (!s.ok()) return s;
    std::map<std::string, std::optional<Survey>> surveys;  // by API key, this batch
    for (IngestJob *job : jobs) {
      job->stored = job->duplicates = job->scheduled = 0;
      s = ApplyJob(st, job, now, &surveys);
      if (IsStoreFailure(s)) {
        *failed = job;
        return s;
      }
      job->status = s;
    }
    if (now - last_prune_at_ > 3600) {
      Statement prune;
      Status ps = prune.Prepare(db, "DELETE FROM seen_messages WHERE received_at < ?1");
      if (ps.ok()) ps = prune.Bind(1, now - kSeenMessageDays * kSecondsPerDay).Run();
      if (ps.ok()) last_prune_at_ = now;
    }
    return Status::Ok();
  });
}

Status SqlStore::ApplyJob(IngestStatements &st, IngestJob *job, int64_t now,
                          std::map<std::string, std::optional<Survey>> *surveys) {
  auto cached = surveys->find(job->api_key);
  if (cached == surveys->end()) {
    auto found = FindSurveyByKey(st, job->api_key);
    if (!found.ok()) return found.status();
    cached = surveys->emplace(job->api_key, std::move(found.value())).first;
  }
  if (!cached->second) return Status::Unauthorized("invalid API key");
  for (const IdentifyMessage &m : job->identifies) {
    Status s = ApplyIdentify(st, *cached->second, m, now, job);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::optional<Survey>> SqlStore::FindSurveyByKey(IngestStatements &st,
                                                        const std::string &api_key) {
  if (api_key.empty()) return std::optional<Survey>();
  Statement &q = st.survey_by_prefix;
  q.Bind(1, ApiKeyPrefix(api_key));
  std::vector<Survey> candidates;
  while (q.Step()) candidates.push_back(ReadSurvey(q));
  Status s = q.status();
  q.Reset();
  if (!s.ok()) return s;
  return MatchApiKey(std::move(candidates), api_key);
}

Status SqlStore::ApplyIdentify(IngestStatements &st, const Survey &survey,
                               const IdentifyMessage &m, int64_t now, IngestJob *job) {
  if (!m.message_id.empty()) {
    Status s =
        st.remember_message.Bind(1, survey.id).Bind(2, m.message_id).Bind(3, now).Run();
    if (!s.ok()) return s;
    if (st.remember_message.RowsChanged() == 0) {
      ++job->duplicates;
      return Status::Ok();
    }
  }

  // What is known of this customer before this identify.
  StoredCustomerHistory history;
  st.history.Bind(1, survey.id).Bind(2, m.email).Bind(3, ErasedEmailKey(m.email));
  if (st.history.Step()) {
    history.created_at = st.history.OptionalInt(0);
    history.has_pending_invitation = st.history.Int(1) > 0;
    history.last_surveyed_at = st.history.OptionalInt(2);
    history.suppression = ParseSuppressionReason(st.history.Text(3));
  }
  Status s = st.history.status();
  st.history.Reset();
  if (!s.ok()) return s;

  if (survey.policy.monthly_budget) {
    st.month_count.Bind(1, survey.id).Bind(2, StartOfMonthUtc(now));
    if (st.month_count.Step()) history.invitations_this_month = st.month_count.Int(0);
    s = st.month_count.status();
    st.month_count.Reset();
    if (!s.ok()) return s;
  }
  const IdentifyPlan plan = PlanIdentify(survey.policy, m, history, now);

  st.upsert_customer.Bind(1, survey.id)
      .Bind(2, m.email)
      .Bind(3, m.user_id)
      .Bind(4, m.anonymous_id)
      .Bind(5, m.first_name)
      .Bind(6, m.last_name)
      .Bind(7, m.name)
      .Bind(8, m.gender)
      .Bind(9, m.created_at)
      .Bind(10, m.traits_json.empty() ? std::string_view("{}") : m.traits_json)
      .Bind(11, now)
      .Bind(12, plan.decision)
      .Bind(13, plan.pending_due_at);
  s = st.upsert_customer.Run();
  if (!s.ok()) return s;

  if (plan.counts_invitation) {
    s = st.count_invitation.Bind(1, survey.id).Bind(2, StartOfMonthUtc(now)).Run();
    if (!s.ok()) return s;
    ++job->scheduled;
  }
  ++job->stored;
  return Status::Ok();
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
        "report_recipients, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
        "?16) RETURNING id");
    if (!ps.ok()) return ps;
    insert.Bind(1, draft.public_id)
        .Bind(2, draft.api_key)
        .Bind(3, ApiKeyPrefix(draft.api_key))
        .Bind(16, now);
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
        "report_frequency = ?12, report_recipients = ?13, updated_at = ?14 WHERE id = "
        "?1");
    if (!ps.ok()) return ps;
    update.Bind(1, survey.id).Bind(14, now);
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
        "pending_since FROM customers "
        "WHERE survey_id = ?1 AND (?2 = '' OR email = ?2) ORDER BY id LIMIT ?3 OFFSET "
        "?4");
    if (s.ok()) {
      s = inv.Prepare(db,
                      "SELECT id, status, due_at, created_at, sent_at, answered_at, "
                      "last_error FROM invitations "
                      "WHERE customer_id = ?1 ORDER BY id DESC LIMIT 20");
    }
    if (!s.ok()) return s;
    q.Bind(1, query.survey_id)
        .Bind(2, query.email)
        .Bind(3, int64_t{query.limit})
        .Bind(4, int64_t{query.offset});
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
