#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

Survey ReadSurvey(const SqliteStatement &q) {
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
SqliteStatement &BindSettings(SqliteStatement &st, int first, const Survey &s) {
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

// SQLite's own busy handler sleeps 1, 2, 5, 10... ms between tries; the
// other worker's commits take microseconds, so poll finely instead.
int BusyHandler(void *, int attempt) {
  constexpr int kMaxWaitMs = 5000;
  const useconds_t delay = attempt < 20 ? 50 : attempt < 100 ? 200 : 1000;
  const int64_t waited_us = attempt < 20    ? attempt * 50
                            : attempt < 100 ? 1000 + (attempt - 20) * 200
                                            : 17000 + int64_t{attempt - 100} * 1000;
  if (waited_us > kMaxWaitMs * 1000) return 0;
  usleep(delay);
  return 1;
}

// Queues this process behind other workers' group commits. SQLite's own
// lock never blocks, it polls; a blocking flock() on a side file wakes the
// next writer the moment the previous one commits. A failed flock() only
// costs that: SQLite's locking still guards the data.
class WriterLock {
 public:
  explicit WriterLock(int fd) : fd_(fd) {
    while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~WriterLock() { flock(fd_, LOCK_UN); }
  WriterLock(const WriterLock &) = delete;
  WriterLock &operator=(const WriterLock &) = delete;

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string &path) {
  sqlite3 *db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = "cannot open database \"" + path +
                      "\": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return Status::IOError("cannot open the database", msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));  // owns db from here
  store->writer_lock_fd_ =
      open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (store->writer_lock_fd_ < 0) {
    return Status::IOError("cannot open the database",
                           "cannot open \"" + path + ".lock\": " + std::strerror(errno));
  }
  sqlite3_busy_handler(db, BusyHandler, nullptr);
  // WAL lets every worker read while one writes. synchronous=NORMAL: a
  // commit survives any crash of nginx; only a power cut can lose the last
  // commits (FULL would fsync each group commit, measured 2-3x slower
  // here). A checkpoint runs inside a commit, under the writer lock: every
  // 8000 pages (32 MB of WAL) instead of SQLite's 1000, measured +15-20%
  // identifies/s on a growing database.
  Status s;
  {
    // Every worker opens the database at the same moment. Two connections
    // switching a new file to WAL at once get "database is locked" without
    // the busy handler being asked, so open one worker at a time.
    WriterLock writer(store->writer_lock_fd_);
    s = SqliteExec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA "
                   "wal_autocheckpoint=8000; "
                   "PRAGMA foreign_keys=ON");
    if (s.ok()) s = MigrateSchema(db);
  }
  if (s.ok()) s = store->PrepareStatements();
  if (s.ok()) s = store->OpenReportsConnection(path);
  if (!s.ok()) return s.WithDetail("database \"" + path + "\": " + s.ToLogString());
  return store;
}

Status SqliteStore::OpenReportsConnection(const std::string &path) {
  sqlite3 *db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  reports_db_.reset(db);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open for reports");
  // Readers wait only while a checkpoint or recovery holds the WAL index.
  sqlite3_busy_handler(db, BusyHandler, nullptr);
  return Status::Ok();
}

Status SqliteStore::PrepareStatements() {
  const std::string survey_select =
      std::string("SELECT ") + kSurveyColumns + " FROM surveys";
  const std::string by_prefix = survey_select + " WHERE key_prefix = ?1";
  const std::string by_id = survey_select + " WHERE id = ?1";
  return PrepareAll(
      db(),
      {
          {&survey_by_prefix_, by_prefix},
          {&survey_by_id_, by_id},
          {&remember_message_,
           "INSERT OR IGNORE INTO seen_messages (survey_id, message_id, received_at) "
           "VALUES (?1, ?2, ?3)"},
          {&upsert_customer_,
           "INSERT INTO customers (survey_id, email, user_id, anonymous_id, first_name, "
           "last_name, name, gender, created_at, traits, first_seen_at, last_seen_at, "
           "last_decision, last_decision_at, pending_due_at, pending_since) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?11, ?13, "
           "        iif(?13 IS NULL, NULL, ?11)) "
           "ON CONFLICT (survey_id, email) DO UPDATE SET "
           "user_id = iif(excluded.user_id <> '', excluded.user_id, user_id), "
           "anonymous_id = iif(excluded.anonymous_id <> '', excluded.anonymous_id, "
           "anonymous_id), "
           "first_name = iif(excluded.first_name <> '', excluded.first_name, "
           "first_name), "
           "last_name = iif(excluded.last_name <> '', excluded.last_name, last_name), "
           "name = iif(excluded.name <> '', excluded.name, name), "
           "gender = iif(excluded.gender <> '', excluded.gender, gender), "
           "created_at = coalesce(excluded.created_at, created_at), "
           "traits = json_patch(traits, excluded.traits), "
           "last_seen_at = excluded.last_seen_at, "
           "last_decision = excluded.last_decision, "
           "last_decision_at = excluded.last_decision_at, "
           "pending_due_at = coalesce(excluded.pending_due_at, pending_due_at), "
           "pending_since = coalesce(excluded.pending_since, pending_since)"},
          {&history_,
           "SELECT c.created_at, c.pending_due_at IS NOT NULL, c.last_surveyed_at, "
           "       (SELECT reason FROM suppressions WHERE email IN (?2, ?3) LIMIT 1) "
           "FROM (SELECT 1) LEFT JOIN customers c ON c.survey_id = ?1 AND c.email = ?2"},
          {&month_count_,
           "SELECT invitations FROM survey_months "
           "WHERE survey_id = ?1 AND month_start = ?2"},
          {&count_invitation_,
           "INSERT INTO survey_months (survey_id, month_start, invitations) "
           "VALUES (?1, ?2, 1) "
           "ON CONFLICT (survey_id, month_start) "
           "DO UPDATE SET invitations = invitations + 1"},
      });
}

SqliteStore::~SqliteStore() {
  if (writer_lock_fd_ >= 0) close(writer_lock_fd_);
}

void SqliteStore::ApplyIngest(const std::vector<IngestJob *> &jobs, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  WriterLock writer(writer_lock_fd_);
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

Status SqliteStore::CommitJobs(const std::vector<IngestJob *> &jobs, int64_t now,
                               IngestJob **failed) {
  Status s = session_.Begin();
  if (!s.ok()) return s;
  std::map<std::string, std::optional<Survey>> surveys;  // by API key, this batch
  for (IngestJob *job : jobs) {
    job->stored = job->duplicates = job->scheduled = 0;
    s = ApplyJob(job, now, &surveys);
    if (IsStoreFailure(s)) {
      *failed = job;
      session_.Rollback();
      return s;
    }
    job->status = s;
  }
  if (now - last_prune_at_ > 3600) {
    SqliteStatement prune;
    Status ps = prune.Prepare(db(), "DELETE FROM seen_messages WHERE received_at < ?1");
    if (ps.ok()) ps = prune.Bind(1, now - kSeenMessageDays * kSecondsPerDay).Run();
    if (ps.ok()) last_prune_at_ = now;
  }
  s = session_.Commit();
  if (!s.ok()) session_.Rollback();
  return s;
}

Status SqliteStore::ApplyJob(IngestJob *job, int64_t now,
                             std::map<std::string, std::optional<Survey>> *surveys) {
  auto cached = surveys->find(job->api_key);
  if (cached == surveys->end()) {
    auto found = FindSurveyByKey(job->api_key);
    if (!found.ok()) return found.status();
    cached = surveys->emplace(job->api_key, std::move(found.value())).first;
  }
  if (!cached->second) return Status::Unauthorized("invalid API key");
  for (const IdentifyMessage &m : job->identifies) {
    Status s = ApplyIdentify(*cached->second, m, now, job);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::optional<Survey>> SqliteStore::FindSurveyByKey(const std::string &api_key) {
  if (api_key.empty()) return std::optional<Survey>();
  survey_by_prefix_.Bind(1, ApiKeyPrefix(api_key));
  std::vector<Survey> candidates;
  while (survey_by_prefix_.Step()) candidates.push_back(ReadSurvey(survey_by_prefix_));
  Status s = survey_by_prefix_.status();
  survey_by_prefix_.Reset();
  if (!s.ok()) return s;
  return MatchApiKey(std::move(candidates), api_key);
}

Status SqliteStore::ApplyIdentify(const Survey &survey, const IdentifyMessage &m,
                                  int64_t now, IngestJob *job) {
  if (!m.message_id.empty()) {
    Status s =
        remember_message_.Bind(1, survey.id).Bind(2, m.message_id).Bind(3, now).Run();
    if (!s.ok()) return s;
    if (sqlite3_changes(db()) == 0) {
      ++job->duplicates;
      return Status::Ok();
    }
  }

  // What is known of this customer before this identify.
  StoredCustomerHistory history;
  history_.Bind(1, survey.id).Bind(2, m.email).Bind(3, ErasedEmailKey(m.email));
  if (history_.Step()) {
    history.created_at = history_.OptionalInt(0);
    history.has_pending_invitation = history_.Int(1) > 0;
    history.last_surveyed_at = history_.OptionalInt(2);
    history.suppression = ParseSuppressionReason(history_.Text(3));
  }
  Status s = history_.status();
  history_.Reset();
  if (!s.ok()) return s;

  if (survey.policy.monthly_budget) {
    month_count_.Bind(1, survey.id).Bind(2, StartOfMonthUtc(now));
    if (month_count_.Step()) history.invitations_this_month = month_count_.Int(0);
    s = month_count_.status();
    month_count_.Reset();
    if (!s.ok()) return s;
  }
  const IdentifyPlan plan = PlanIdentify(survey.policy, m, history, now);

  upsert_customer_.Bind(1, survey.id)
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
  s = upsert_customer_.Run();
  if (!s.ok()) return s;

  if (plan.counts_invitation) {
    s = count_invitation_.Bind(1, survey.id).Bind(2, StartOfMonthUtc(now)).Run();
    if (!s.ok()) return s;
    ++job->scheduled;
  }
  ++job->stored;
  return Status::Ok();
}

Status SqliteStore::InTransaction(const std::function<Status()> &body) {
  WriterLock writer(writer_lock_fd_);
  Status s = session_.Begin();
  if (!s.ok()) return s;
  s = body();
  if (s.ok()) s = session_.Commit();
  if (!s.ok()) session_.Rollback();
  return s;
}

Result<Survey> SqliteStore::LoadSurvey(int64_t id) {
  survey_by_id_.Bind(1, id);
  std::optional<Survey> found;
  if (survey_by_id_.Step()) found = ReadSurvey(survey_by_id_);
  Status s = survey_by_id_.status();
  survey_by_id_.Reset();
  if (!s.ok()) return s;
  if (!found) return Status::NotFound("survey " + std::to_string(id) + " not found");
  return *found;
}

Result<Survey> SqliteStore::CreateSurvey(Survey draft, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  draft.public_id = RandomHex(8);
  draft.api_key = NewApiKey();
  draft.created_at = draft.updated_at = now;
  SqliteStatement insert;
  Status s = insert.Prepare(
      db(),
      "INSERT INTO surveys (public_id, api_key, key_prefix, name, min_delay_days, "
      "max_delay_days, resurvey_interval_days, automation, segment_write_key, "
      "monthly_budget, content, embed_origins, retention_months, report_frequency, "
      "report_recipients, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
      "?16)");
  if (s.ok()) {
    insert.Bind(1, draft.public_id)
        .Bind(2, draft.api_key)
        .Bind(3, ApiKeyPrefix(draft.api_key))
        .Bind(16, now);
    s = BindSettings(insert, 4, draft).Run();
  }
  if (!s.ok()) return s;
  draft.id = sqlite3_last_insert_rowid(db());
  return draft;
}

Result<std::vector<Survey>> SqliteStore::ListSurveys() {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q;
  Status s = q.Prepare(
      db(), std::string("SELECT ") + kSurveyColumns + " FROM surveys ORDER BY id");
  std::vector<Survey> out;
  while (s.ok() && q.Step()) out.push_back(ReadSurvey(q));
  if (s.ok()) s = q.status();
  if (!s.ok()) return s;
  return out;
}

Result<Survey> SqliteStore::GetSurvey(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  return LoadSurvey(id);
}

Result<Survey> SqliteStore::UpdateSurvey(const Survey &survey, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement update;
  Status s = update.Prepare(
      db(),
      "UPDATE surveys SET name = ?2, min_delay_days = ?3, max_delay_days = ?4, "
      "resurvey_interval_days = ?5, automation = ?6, segment_write_key = ?7, "
      "monthly_budget = ?8, content = ?9, embed_origins = ?10, retention_months = ?11, "
      "report_frequency = ?12, report_recipients = ?13, updated_at = ?14 WHERE id = ?1");
  if (s.ok()) {
    update.Bind(1, survey.id).Bind(14, now);
    s = BindSettings(update, 2, survey).Run();
  }
  if (!s.ok()) return s;
  return LoadSurvey(survey.id);
}

Result<Survey> SqliteStore::RotateApiKey(int64_t id, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string key = NewApiKey();
  SqliteStatement update;
  Status s = update.Prepare(db(),
                            "UPDATE surveys SET api_key = ?2, key_prefix = ?3, "
                            "updated_at = ?4 WHERE id = ?1");
  if (s.ok())
    s = update.Bind(1, id).Bind(2, key).Bind(3, ApiKeyPrefix(key)).Bind(4, now).Run();
  if (!s.ok()) return s;
  return LoadSurvey(id);
}

Result<std::vector<CustomerView>> SqliteStore::FindCustomers(const CustomerQuery &query) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteStatement q, inv;
  Status s = q.Prepare(
      db(),
      "SELECT id, email, user_id, anonymous_id, first_name, last_name, name, gender, "
      "created_at, first_seen_at, last_seen_at, last_decision, pending_due_at, "
      "pending_since FROM customers "
      "WHERE survey_id = ?1 AND (?2 = '' OR email = ?2) ORDER BY id LIMIT ?3 OFFSET ?4");
  if (s.ok()) {
    s = inv.Prepare(db(),
                    "SELECT id, status, due_at, created_at, sent_at, answered_at, "
                    "last_error FROM invitations "
                    "WHERE customer_id = ?1 ORDER BY id DESC LIMIT 20");
  }
  if (!s.ok()) return s;
  q.Bind(1, query.survey_id)
      .Bind(2, query.email)
      .Bind(3, int64_t{query.limit})
      .Bind(4, int64_t{query.offset});
  std::vector<CustomerView> out;
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
  if (!q.status().ok()) return q.status();
  return out;
}

}  // namespace callexa
