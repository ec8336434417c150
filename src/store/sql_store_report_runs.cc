// SqlStore's ReportRunStore: the report email's runs, one row per
// survey and period in report_runs.
#include <nlohmann/json.hpp>

#include "store/sql_store.h"

namespace callexa {
namespace {

constexpr char kRunColumns[] =
    "survey_id, period_from, period_to, status, attempts, handled, last_error, "
    "finished_at";

ReportRun ReadRun(const Statement &q) {
  ReportRun run;
  run.survey_id = q.Int(0);
  run.period = {q.Int(1), q.Int(2)};
  run.status = ParseReportRunStatus(q.Text(3)).value_or(ReportRunStatus::kDue);
  run.attempts = static_cast<int>(q.Int(4));
  const nlohmann::json handled = nlohmann::json::parse(q.Text(5), nullptr, false);
  if (handled.is_array()) {
    for (const auto &r : handled) {
      if (r.is_string()) run.handled.push_back(r.get<std::string>());
    }
  }
  run.last_error = q.Text(6);
  run.finished_at = q.OptionalInt(7);
  return run;
}

Status LeaseLost() {
  return Status::Conflict("the report run is no longer leased to this worker");
}

}  // namespace

Result<std::optional<ReportRun>> SqlStore::ClaimReportRun(int64_t survey_id,
                                                          const TimeSpan &period,
                                                          const std::string &owner,
                                                          int64_t now,
                                                          int64_t lease_seconds) {
  std::optional<ReportRun> claimed;
  Status s = Write([&](SqlSession &db) -> Status {
    claimed.reset();
    Statement create, lease, load;
    Status ps = create.Prepare(db,
                               "INSERT INTO report_runs (survey_id, period_from, "
                               "period_to, created_at) VALUES (?1, ?2, ?3, ?4) "
                               "ON CONFLICT (survey_id, period_from) DO NOTHING");
    if (ps.ok()) {
      ps = create.Bind(1, survey_id)
               .Bind(2, period.from)
               .Bind(3, period.to)
               .Bind(4, now)
               .Run();
    }
    if (ps.ok()) {
      ps = lease.Prepare(db,
                         "UPDATE report_runs SET lease_owner = ?3, lease_until = ?4 "
                         "WHERE survey_id = ?1 AND period_from = ?2 "
                         "AND status IN ('due', 'retry') AND retry_at <= ?5 "
                         "AND (lease_owner IS NULL OR lease_owner = ?3 OR "
                         "lease_until <= ?5)");
    }
    if (ps.ok()) {
      ps = lease.Bind(1, survey_id)
               .Bind(2, period.from)
               .Bind(3, owner)
               .Bind(4, now + lease_seconds)
               .Bind(5, now)
               .Run();
    }
    if (!ps.ok() || lease.RowsChanged() == 0) return ps;
    ps = load.Prepare(db, std::string("SELECT ") + kRunColumns +
                              " FROM report_runs WHERE survey_id = ?1 AND "
                              "period_from = ?2");
    if (ps.ok()) load.Bind(1, survey_id).Bind(2, period.from);
    if (ps.ok() && load.Step()) claimed = ReadRun(load);
    return ps.ok() ? load.status() : ps;
  });
  if (!s.ok()) return s;
  return claimed;
}

Status SqlStore::RecordReportRecipient(int64_t survey_id, int64_t period_from,
                                       const std::string &owner,
                                       const std::string &recipient) {
  return Write([&](SqlSession &db) -> Status {
    Statement load, save;
    Status ps = load.Prepare(db,
                             "SELECT handled FROM report_runs WHERE survey_id = ?1 AND "
                             "period_from = ?2 AND lease_owner = ?3 AND status IN "
                             "('due', 'retry')");
    if (ps.ok()) load.Bind(1, survey_id).Bind(2, period_from).Bind(3, owner);
    if (!ps.ok()) return ps;
    if (!load.Step()) return load.status().ok() ? LeaseLost() : load.status();
    nlohmann::json handled = nlohmann::json::parse(load.Text(0), nullptr, false);
    if (!handled.is_array()) handled = nlohmann::json::array();
    handled.push_back(recipient);
    load.Reset();
    ps = save.Prepare(db,
                      "UPDATE report_runs SET handled = ?3 WHERE survey_id = ?1 AND "
                      "period_from = ?2");
    if (ps.ok()) {
      ps = save.Bind(1, survey_id).Bind(2, period_from).Bind(3, handled.dump()).Run();
    }
    return ps;
  });
}

Status SqlStore::FinishReportRun(int64_t survey_id, int64_t period_from,
                                 const std::string &owner, ReportRunStatus status,
                                 const std::string &error, int64_t retry_at,
                                 int64_t now) {
  const bool retry = status == ReportRunStatus::kRetry;
  bool changed = false;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement finish;
    Status ps = finish.Prepare(
        db,
        "UPDATE report_runs SET status = ?4, last_error = ?5, retry_at = ?6, "
        "attempts = attempts + ?7, finished_at = ?8, lease_owner = NULL, "
        "lease_until = NULL WHERE survey_id = ?1 AND period_from = ?2 AND "
        "lease_owner = ?3 AND status IN ('due', 'retry')");
    if (ps.ok()) {
      ps = finish.Bind(1, survey_id)
               .Bind(2, period_from)
               .Bind(3, owner)
               .Bind(4, std::string_view(ReportRunStatusName(status)))
               .Bind(5, error)
               .Bind(6, retry ? retry_at : int64_t{0})
               .Bind(7, int64_t{retry ? 1 : 0})
               .Bind(8, retry ? std::nullopt : std::optional<int64_t>(now))
               .Run();
    }
    changed = ps.ok() && finish.RowsChanged() > 0;
    return ps;
  });
  if (!s.ok()) return s;
  return changed ? Status::Ok() : LeaseLost();
}

Result<std::vector<ReportRun>> SqlStore::ListReportRuns(int64_t survey_id, int limit) {
  std::vector<ReportRun> runs;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status qs = q.Prepare(db, std::string("SELECT ") + kRunColumns +
                                  " FROM report_runs WHERE survey_id = ?1 "
                                  "ORDER BY period_from DESC LIMIT ?2");
    if (!qs.ok()) return qs;
    q.Bind(1, survey_id).Bind(2, int64_t{limit});
    while (q.Step()) runs.push_back(ReadRun(q));
    return q.status();
  });
  if (!s.ok()) return s;
  return runs;
}

}  // namespace callexa
