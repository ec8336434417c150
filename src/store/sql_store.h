// The store, written once over the SQL seam (sql/connections.h): SQLite
// for one host, PostgreSQL for several. Each method takes a session for
// its read or its write transaction and lends it to the steps it calls;
// what the backends' SQL does not share comes from the dialect.
#ifndef CALLEXA_STORE_SQL_STORE_H_
#define CALLEXA_STORE_SQL_STORE_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "sql/connections.h"
#include "sql/statement.h"
#include "store/store.h"

namespace callexa {

class SqlStore : public Store {
 public:
  // A store over `connections`, its schema migrated to the newest
  // version (once, when several workers or hosts open it together). When
  // the database cannot be reached (Unavailable), the store is returned
  // all the same and migrates on first use: a PostgreSQL server that is
  // down while nginx starts is waited for, not fatal. A database newer
  // than this code is an error.
  static Result<std::unique_ptr<SqlStore>> Open(
      std::unique_ptr<SqlConnections> connections);

  SqlStore(const SqlStore &) = delete;
  SqlStore &operator=(const SqlStore &) = delete;
  ~SqlStore() override = default;

  // "sqlite" or "postgresql".
  const char *backend() const { return dialect().name(); }

  // IngestStore (sql_store.cc).
  void ApplyIngest(const std::vector<IngestJob *> &jobs, int64_t now) override;

  // SurveyStore (sql_store.cc; ListResponses and GetCustomer in
  // sql_store_answers.cc).
  Result<Survey> CreateSurvey(Survey draft, int64_t now) override;
  Result<std::vector<Survey>> ListSurveys() override;
  Result<Survey> GetSurvey(int64_t id) override;
  Result<Survey> UpdateSurvey(const Survey &survey, int64_t now) override;
  Result<Survey> RotateApiKey(int64_t id, int64_t now) override;
  // Duplicate, archive and delete (sql_store_surveys.cc).
  Result<Survey> DuplicateSurvey(int64_t id, const std::string &name,
                                 int64_t now) override;
  Result<Survey> SetSurveyArchived(int64_t id, bool archived, int64_t now) override;
  Result<SurveyDeletion> DeleteSurvey(int64_t id) override;
  Result<std::vector<CustomerView>> FindCustomers(const CustomerQuery &q) override;
  Result<std::vector<ResponseView>> ListResponses(const ResponseQuery &query) override;
  Result<CustomerDetail> GetCustomer(int64_t survey_id, int64_t customer_id) override;
  // On the reports connection (sql_store_reports.cc).
  Result<std::vector<TraitSummary>> ListTraits(int64_t survey_id, int max_names,
                                               int max_values) override;
  // The admin's overviews (sql_store_admin.cc).
  Result<std::vector<SurveyCounts>> CountBySurvey(int64_t month_start) override;
  Result<int64_t> CountCustomers(const CustomerQuery &q) override;
  Result<DeliveryOverview> GetDeliveryOverview(int64_t survey_id, int problems) override;
  Result<std::vector<SuppressionView>> ListSuppressions(
      const SuppressionQuery &q) override;
  Result<int64_t> CountSuppressions(const SuppressionQuery &q) override;
  Status LiftSuppression(const std::string &email) override;

  // AssetStore (sql_store_admin.cc).
  Status PutImage(const std::string &key, const StoredImage &image, int64_t now) override;
  Result<std::optional<StoredImage>> GetImage(const std::string &key) override;

  // TestimonialStore (sql_store_testimonials.cc).
  Result<std::vector<TestimonialView>> ListTestimonials(
      const TestimonialQuery &query) override;
  Result<TestimonialView> ModerateTestimonial(int64_t survey_id, int64_t answer_id,
                                              const Moderation &decision,
                                              int64_t now) override;
  Result<std::optional<PublishedSet>> PublishedTestimonials(const std::string &public_id,
                                                            int limit) override;

  // PrivacyStore (sql_store_privacy.cc).
  Result<ErasureCounts> ErasePerson(const std::string &email, int64_t now) override;
  Result<int64_t> DeleteExpiredAnswers(int64_t now) override;

  // TokenSecretStore and DeliveryStore (sql_store_delivery.cc).
  Result<std::string> TokenSecret() override;
  Result<std::vector<DeliveryClaim>> ClaimDueInvitations(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) override;
  Status RecordDeliveries(const std::vector<DeliveryRecord> &records, int64_t now,
                          const std::string &owner) override;

  // ReminderStore (sql_store_reminders.cc).
  Result<std::vector<ReminderClaim>> ClaimDueReminders(int64_t now, int limit,
                                                       int64_t lease_seconds,
                                                       const std::string &owner) override;
  Result<ReminderDecision> CheckReminder(int64_t invitation_id, int64_t now) override;
  Status RecordReminders(const std::vector<ReminderRecord> &records, int64_t now,
                         const std::string &owner) override;

  // AnswerStore (sql_store_answers.cc).
  Result<InvitationContext> LoadInvitation(int64_t invitation_id) override;
  Status SaveAnswer(int64_t invitation_id, const Answer &answer, bool score_only,
                    int64_t now) override;
  Status Unsubscribe(int64_t invitation_id, int64_t now) override;
  Status RecordReviewClick(int64_t invitation_id, int64_t now) override;

  // SyncStore (sql_store_sync.cc) and MetricsStore (sql_store_metrics.cc).
  Result<std::optional<SyncWork>> ClaimSyncWork(int64_t now, const std::string &owner,
                                                int64_t lease_seconds,
                                                int limit) override;
  Status FinishSyncStep(const SyncStepRecord &record, const std::string &owner,
                        int64_t now) override;
  Result<SyncStatus> GetSyncStatus(int64_t survey_id) override;
  Status RequestSyncRun(int64_t survey_id) override;
  Result<MetricsSnapshot> ReadMetrics(int64_t now) override;

  // ReportStore (sql_store_reports.cc), on the reports connection.
  Result<ReportCounts> CountReport(const ReportFilter &filter,
                                   const ReportSpans &spans) override;
  Result<std::vector<ExportRow>> ExportAnswers(const ReportFilter &filter,
                                               const TimeSpan &span,
                                               const ExportCursor &after,
                                               int limit) override;
  Result<std::vector<ExportRow>> LatestComments(const ReportFilter &filter,
                                                const TimeSpan &span, int limit) override;

  // ReportRunStore (sql_store_report_runs.cc).
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

  // FollowUpStore (sql_store_follow_ups.cc).
  Result<FollowUp> UpdateFollowUp(int64_t survey_id, int64_t invitation_id,
                                  const FollowUpChange &change, int64_t now) override;
  Result<FollowUpEntry> AddFollowUpNote(int64_t survey_id, int64_t invitation_id,
                                        const std::string &actor, const std::string &text,
                                        int64_t now) override;
  Result<FollowUpEntry> QueueReply(int64_t survey_id, int64_t invitation_id,
                                   const std::string &actor, const std::string &text,
                                   int64_t now) override;
  Result<std::vector<FollowUpItem>> ListFollowUps(const FollowUpQuery &query) override;
  Result<std::map<int64_t, FollowUp>> GetFollowUps(
      int64_t survey_id, const std::vector<int64_t> &invitation_ids) override;
  Result<FollowUpItem> GetFollowUpItem(int64_t survey_id, int64_t invitation_id,
                                       std::optional<FollowUp> *follow_up,
                                       std::vector<FollowUpEntry> *thread) override;
  Result<FollowUpSummary> SummarizeFollowUps(int64_t survey_id, int64_t from,
                                             int64_t to) override;
  Result<std::vector<ReplyClaim>> ClaimDueReplies(int64_t now, int limit,
                                                  int64_t lease_seconds,
                                                  const std::string &owner) override;
  Status RecordReplies(const std::vector<DeliveryRecord> &records, int64_t now,
                       const std::string &owner) override;

  // AlertStore (sql_store_alerts.cc).
  Result<std::vector<AlertClaim>> ClaimSettledAlerts(const std::string &owner,
                                                     const AlertCutoffs &cutoffs,
                                                     int64_t now, int64_t lease_seconds,
                                                     int limit) override;
  Status FinishAlert(int64_t invitation_id, const std::string &owner, int attempts,
                     AlertOutcome outcome, const std::string &error, int64_t retry_at,
                     int64_t now) override;

  // AuditStore (sql_store_audit.cc).
  Status RecordAudit(const AuditEntry &entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery &query) override;
  Result<int64_t> CountAudit(const AuditQuery &query) override;

  // WebhookStore (sql_store_webhooks.cc).
  Result<Webhook> CreateWebhook(const Webhook &draft, int64_t now) override;
  Result<std::vector<Webhook>> ListWebhooks(int64_t survey_id) override;
  Result<Webhook> GetWebhook(int64_t survey_id, int64_t id) override;
  Status DeleteWebhook(int64_t survey_id, int64_t id) override;
  Result<Webhook> EnableWebhook(int64_t survey_id, int64_t id) override;
  Result<Webhook> RotateWebhookSecret(int64_t survey_id, int64_t id,
                                      const std::string &secret) override;
  Result<std::vector<WebhookDeliveryView>> ListWebhookDeliveries(int64_t id,
                                                                 int limit) override;
  Result<std::string> EnqueueWebhookTest(int64_t survey_id, int64_t id,
                                         int64_t now) override;
  Result<std::vector<WebhookClaim>> ClaimWebhookDeliveries(
      int64_t now, int limit, int64_t lease_seconds, const std::string &owner) override;
  Result<WebhookAttemptResult> RecordWebhookAttempt(const WebhookAttempt &attempt,
                                                    int64_t now,
                                                    const std::string &owner) override;
  // The admin UI's address ("https://nps.example.com/admin/"), which the
  // events' admin_url links below; empty: no links. Set before use.
  void SetAdminUrl(std::string admin_url);

 private:
  explicit SqlStore(std::unique_ptr<SqlConnections> connections)
      : connections_(std::move(connections)) {}
  const SqlDialect &dialect() const { return connections_->dialect(); }
  // Each reaches the database only once its schema is known to be current.
  Status Read(const SessionBody &body) {
    Status s = EnsureSchema();
    return s.ok() ? connections_->Read(body) : s;
  }
  Status Write(const SessionBody &body) {
    Status s = EnsureSchema();
    return s.ok() ? connections_->Write(body) : s;
  }
  Status Report(const SessionBody &body) {
    Status s = EnsureSchema();
    return s.ok() ? connections_->Report(body) : s;
  }
  // Migrates the schema unless done: at Open, or after it, when the
  // database was unreachable then.
  Status EnsureSchema();

  // Applies `jobs` in one write transaction, or none of them.
  Status CommitJobs(const std::vector<IngestJob *> &jobs, int64_t now);
  Result<Survey> LoadSurvey(SqlSession &db, int64_t id);
  // Inside ClaimDueInvitations' transaction.
  Status PromoteDueInvitations(SqlSession &db, int64_t now, int limit);
  // Takes an invitation that ended unsent for good (CountsAsSurveyed) off
  // its month's budget count and its customer's last survey time.
  Status ReleaseInvitation(SqlSession &db, int64_t invitation_id);
  // Inside SaveAnswer's transaction: puts a candidate's quote in the
  // moderation queue, or back in it when its words changed.
  // Inside SaveAnswer's transaction: queues the answer's event
  // (response.created on its first save, else response.updated) for every
  // enabled webhook of its survey that takes it.
  Status EnqueueWebhookEvents(SqlSession &db, int64_t invitation_id, bool created,
                              int64_t now);
  Status QueueTestimonial(SqlSession &db, int64_t invitation_id, int64_t survey_id,
                          const Answer &answer, bool comment_changed, int64_t now);
  // Inside SaveAnswer's transaction: queues the answer's alert when its
  // score alerts (and opens its follow-up), or puts a waiting one off.
  Status QueueAnswerAlert(SqlSession &db, int64_t invitation_id, int64_t survey_id,
                          int score, int64_t now);

  const std::unique_ptr<SqlConnections> connections_;
  std::mutex schema_mu_;
  std::atomic<bool> schema_ready_{false};
  std::atomic<int64_t> last_prune_at_{0};
  std::mutex secret_mu_;
  std::string token_secret_;  // cached after the first read, under secret_mu_
  std::string admin_url_;     // SetAdminUrl
};

}  // namespace callexa

#endif  // CALLEXA_STORE_SQL_STORE_H_
