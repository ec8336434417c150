// Store on one SQLite file in WAL mode, shared by every nginx worker. Each
// worker opens its own connection after fork; a mutex serialises the
// connection among that worker's pool threads. Reports read on a second,
// read-only connection with a mutex of its own, so that a long report
// never keeps the worker's commits waiting (WAL: readers and the writer
// do not block each other).
#ifndef CALLEXA_STORE_SQLITE_STORE_H_
#define CALLEXA_STORE_SQLITE_STORE_H_

#include <sqlite3.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "sql/sqlite_session.h"
#include "sql/sqlite_statement.h"
#include "store/store.h"

namespace callexa {

class SqliteStore : public Store {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string &path);

  SqliteStore(const SqliteStore &) = delete;
  SqliteStore &operator=(const SqliteStore &) = delete;
  ~SqliteStore() override;

  // IngestStore (sqlite_store.cc).
  void ApplyIngest(const std::vector<IngestJob *> &jobs, int64_t now) override;

  // SurveyStore (sqlite_store.cc; ListResponses in sqlite_store_answers.cc).
  Result<Survey> CreateSurvey(Survey draft, int64_t now) override;
  Result<std::vector<Survey>> ListSurveys() override;
  Result<Survey> GetSurvey(int64_t id) override;
  Result<Survey> UpdateSurvey(const Survey &survey, int64_t now) override;
  Result<Survey> RotateApiKey(int64_t id, int64_t now) override;
  Result<std::vector<CustomerView>> FindCustomers(const CustomerQuery &q) override;
  Result<std::vector<ResponseView>> ListResponses(const ResponseQuery &query) override;
  // The admin's overviews (sqlite_store_admin.cc).
  Result<std::vector<SurveyCounts>> CountBySurvey(int64_t month_start) override;
  Result<int64_t> CountCustomers(const CustomerQuery &q) override;
  Result<DeliveryOverview> GetDeliveryOverview(int64_t survey_id, int problems) override;
  Result<std::vector<SuppressionView>> ListSuppressions(
      const SuppressionQuery &q) override;
  Result<int64_t> CountSuppressions(const SuppressionQuery &q) override;
  Status LiftSuppression(const std::string &email) override;

  // AssetStore (sqlite_store_admin.cc).
  Status PutImage(const std::string &key, const StoredImage &image, int64_t now) override;
  Result<std::optional<StoredImage>> GetImage(const std::string &key) override;

  // TestimonialStore (sqlite_store_testimonials.cc).
  Result<std::vector<TestimonialView>> ListTestimonials(
      const TestimonialQuery &query) override;
  Result<TestimonialView> ModerateTestimonial(int64_t survey_id, int64_t answer_id,
                                              const Moderation &decision,
                                              int64_t now) override;
  Result<std::optional<PublishedSet>> PublishedTestimonials(const std::string &public_id,
                                                            int limit) override;

  // PrivacyStore (sqlite_store_privacy.cc).
  Result<ErasureCounts> ErasePerson(const std::string &email, int64_t now) override;
  Result<int64_t> DeleteExpiredAnswers(int64_t now) override;

  // TokenSecretStore and DeliveryStore (sqlite_store_delivery.cc).
  Result<std::string> TokenSecret() override;
  Result<std::vector<DeliveryClaim>> ClaimDueInvitations(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) override;
  Status RecordDeliveries(const std::vector<DeliveryRecord> &records, int64_t now,
                          const std::string &owner) override;

  // AnswerStore (sqlite_store_answers.cc).
  Result<InvitationContext> LoadInvitation(int64_t invitation_id) override;
  Status SaveAnswer(int64_t invitation_id, const Answer &answer, bool score_only,
                    int64_t now) override;
  Status Unsubscribe(int64_t invitation_id, int64_t now) override;

  // SyncStore (sqlite_store_sync.cc) and MetricsStore (sqlite_store_metrics.cc).
  Result<std::optional<SyncWork>> ClaimSyncWork(int64_t now, const std::string &owner,
                                                int64_t lease_seconds,
                                                int limit) override;
  Status FinishSyncStep(const SyncStepRecord &record, const std::string &owner,
                        int64_t now) override;
  Result<SyncStatus> GetSyncStatus(int64_t survey_id) override;
  Status RequestSyncRun(int64_t survey_id) override;
  Result<MetricsSnapshot> ReadMetrics(int64_t now) override;

  // ReportStore (sqlite_store_reports.cc), on the reports connection.
  Result<ReportCounts> CountReport(const ReportFilter &filter,
                                   const ReportSpans &spans) override;
  Result<std::vector<ExportRow>> ExportAnswers(const ReportFilter &filter,
                                               const TimeSpan &span,
                                               const ExportCursor &after,
                                               int limit) override;
  Result<std::vector<ExportRow>> LatestComments(const ReportFilter &filter,
                                                const TimeSpan &span, int limit) override;

  // ReportRunStore (sqlite_store_report_runs.cc).
  Result<std::optional<ReportRun>> ClaimReportRun(int64_t survey_id,
                                                  const TimeSpan &period,
                                                  const std::string &owner, int64_t now,
                                                  int64_t lease_seconds) override;
  Status RecordReportRecipient(int64_t survey_id, int64_t period_from,
                               const std::string &owner,
                               const std::string &recipient) override;
  Status FinishReportRun(int64_t survey_id, int64_t period_from, const std::string &owner,
                         ReportRunStatus status, const std::string &error,
                         int64_t retry_at, int64_t now) override;
  Result<std::vector<ReportRun>> ListReportRuns(int64_t survey_id, int limit) override;

 private:
  struct Closer {
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
  };

  explicit SqliteStore(sqlite3 *db) : db_(db), session_(db) {}
  sqlite3 *db() const { return db_.get(); }
  // Opens the reports' read-only connection to the migrated `path`.
  Status OpenReportsConnection(const std::string &path);
  sqlite3 *reports_db() const { return reports_db_.get(); }
  Status PrepareStatements();

  // mu_ held by the caller of each.
  // Applies `jobs` in one transaction. On a database failure inside a job,
  // rolls back, names the job in *failed and returns the error.
  Status CommitJobs(const std::vector<IngestJob *> &jobs, int64_t now,
                    IngestJob **failed);
  // These two run inside CommitJobs' transaction.
  Status ApplyJob(IngestJob *job, int64_t now,
                  std::map<std::string, std::optional<Survey>> *surveys);
  Status ApplyIdentify(const Survey &survey, const IdentifyMessage &m, int64_t now,
                       IngestJob *job);
  Result<std::optional<Survey>> FindSurveyByKey(const std::string &api_key);
  Result<Survey> LoadSurvey(int64_t id);
  // Runs `body` in one IMMEDIATE transaction under the writer lock; mu_
  // held. Rolls back when `body` fails.
  Status InTransaction(const std::function<Status()> &body);
  // Inside ClaimDueInvitations' transaction.
  Status PromoteDueInvitations(int64_t now, int limit);
  // Takes an invitation that ended unsent for good (CountsAsSurveyed) off
  // its month's budget count and its customer's last survey time.
  Status ReleaseInvitation(int64_t invitation_id);
  // Inside SaveAnswer's transaction: puts a candidate's quote in the
  // moderation queue, or back in it when its words changed.
  Status QueueTestimonial(int64_t invitation_id, int64_t survey_id, const Answer &answer,
                          bool comment_changed, int64_t now);

  std::mutex mu_;
  // Declared before the statements so that it is closed after them.
  std::unique_ptr<sqlite3, Closer> db_;
  SqliteSession session_;  // db_'s transactions
  std::mutex reports_mu_;  // serialises reports_db_, never held with mu_
  std::unique_ptr<sqlite3, Closer> reports_db_;
  int64_t last_prune_at_ = 0;
  std::string token_secret_;  // cached after the first read
  int writer_lock_fd_ = -1;   // flock()ed around each group commit
  SqliteStatement survey_by_prefix_, survey_by_id_, remember_message_, upsert_customer_;
  SqliteStatement history_, month_count_, count_invitation_;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_SQLITE_STORE_H_
