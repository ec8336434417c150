#include "service/service.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <utility>

#include "admin/admin_api.h"
#include "alerts/alert_mailer.h"
#include "common/log_limiter.h"
#include "common/secrets.h"
#include "delivery/delivery_runner.h"
#include "delivery/reminder_runner.h"
#include "delivery/reply_runner.h"
#include "delivery/webhook_runner.h"
#include "ingest/ingest_endpoint.h"
#include "mail/dkim_signer.h"
#include "mail/dkim_transport.h"
#include "mail/mail_dir_transport.h"
#include "mail/mail_from.h"
#include "mail/smtp_transport.h"
#include "metrics/metrics.h"
#include "metrics/shared_counters.h"
#include "reports/report_mailer.h"
#include "store/open_store.h"
#include "store/schema.h"
#include "survey/survey_pages.h"
#include "sync/curl_segment_client.h"
#include "sync/sync_message.h"
#include "sync/sync_runner.h"
#include "testimonials/embed_endpoint.h"

namespace callexa {
namespace {

// How often the sync job looks for a survey due a sync. A survey's cadence,
// callexa_sync_interval, is kept in the database (its next run); polling
// this often lets "run now" (POST api/surveys/{id}/sync) start within
// seconds, and the poll is one read-only query.
constexpr int64_t kSyncPollMs = 5000;
// Answers past their survey's retention go within the hour.
constexpr int64_t kRetentionIntervalMs = 60 * 60 * 1000;

int64_t UnixNow() { return static_cast<int64_t>(time(nullptr)); }

// The SMTP server, or .eml files.
Result<std::unique_ptr<MailTransport>> OpenUnsignedTransport(const ServiceConfig &config,
                                                             const std::string &helo) {
  if (config.smtp_url.empty()) {
    return std::unique_ptr<MailTransport>(
        std::make_unique<MailDirTransport>(config.mail_dir));
  }
  SmtpOptions options;
  options.url = config.smtp_url;
  options.require_tls = config.smtp_starttls;
  options.credentials_file = config.smtp_credentials_file;
  options.helo_domain = helo;
  options.transfer_timeout_ms = static_cast<long>(config.smtp_timeout_ms);
  options.connect_timeout_ms =
      std::min(options.connect_timeout_ms, options.transfer_timeout_ms);
  auto smtp = SmtpTransport::Create(options);
  if (!smtp.ok()) return smtp.status();
  return std::unique_ptr<MailTransport>(std::move(smtp.value()));
}

// Where emails go: the SMTP server, or .eml files; DKIM-signed on the way
// with callexa_dkim. Every kind of email leaves through one of these.
Result<std::unique_ptr<MailTransport>> OpenMailTransport(const ServiceConfig &config,
                                                         const std::string &helo) {
  auto transport = OpenUnsignedTransport(config, helo);
  if (!transport.ok() || config.dkim_signer == nullptr) return transport;
  return std::unique_ptr<MailTransport>(std::make_unique<DkimSigningTransport>(
      config.dkim_signer, std::move(transport.value())));
}

// The transport and sender of the emails to the operator's own people
// (reports, alerts); false, with a [crit] saying `what` is off, when either
// cannot be had.
bool OpenNotificationMail(const ServiceConfig &config, const char *what,
                          std::unique_ptr<MailTransport> *mail, MailFrom *sender,
                          std::vector<LogLine> *log) {
  auto transport = OpenMailTransport(config, HostOfUrl(config.public_url));
  const auto from = ParseMailFrom(config.mail_from);
  if (!transport.ok() || !from.ok()) {
    log->push_back(
        {LogLevel::kCrit,
         std::string("callexa: ") + what + " are off: " +
             (transport.ok() ? from.status() : transport.status()).ToLogString()});
    return false;
  }
  *mail = std::move(transport.value());
  *sender = from.value();
  return true;
}

// The admin UI's address, for links in emails and events: empty unless
// there is a public URL and the admin location is a folder ("/admin/").
std::string AdminUrlOf(const ServiceConfig &config) {
  const std::string &admin_path =
      config.endpoint_paths[static_cast<size_t>(EndpointId::kAdmin)];
  if (config.public_url.empty() || admin_path.empty() || admin_path.back() != '/')
    return "";
  return config.public_url + admin_path;
}

// A report step's lines: what was sent at [notice], skipped at [info],
// what is retried or bounced at [warn], what failed at [error].
JobStepResult DescribeReportStep(const ReportMailStepResult &r) {
  JobStepResult out;
  if (!r.status.ok()) {
    out.log.push_back({LogLevel::kError, "callexa: reports: " + r.status.ToLogString()});
  }
  for (const ReportMailEvent &e : r.events) {
    LogLevel level = LogLevel::kWarn;
    switch (e.kind) {
      case ReportMailEvent::Kind::kSent:
        level = LogLevel::kNotice;
        break;
      case ReportMailEvent::Kind::kSkipped:
        level = LogLevel::kInfo;
        break;
      case ReportMailEvent::Kind::kFailed:
        level = LogLevel::kError;
        break;
      case ReportMailEvent::Kind::kRetry:
      case ReportMailEvent::Kind::kBounced:
        break;
    }
    out.log.push_back({level, "callexa: reports: " + e.text});
  }
  return out;
}

// An alert step's lines, as a report step's; its outcomes counted.
JobStepResult DescribeAlertStep(const AlertMailStepResult &r, SharedCounters *c) {
  JobStepResult out;
  if (!r.status.ok()) {
    out.log.push_back({LogLevel::kError, "callexa: alerts: " + r.status.ToLogString()});
  }
  for (const AlertMailEvent &e : r.events) {
    LogLevel level = LogLevel::kWarn;
    std::atomic<uint64_t> *counter = nullptr;
    switch (e.kind) {
      case AlertMailEvent::Kind::kSent:
        level = LogLevel::kNotice;
        if (c != nullptr) counter = &c->alerts_sent;
        break;
      case AlertMailEvent::Kind::kSkipped:
        level = LogLevel::kInfo;
        break;
      case AlertMailEvent::Kind::kFailed:
        level = LogLevel::kError;
        if (c != nullptr) counter = &c->alerts_failed;
        break;
      case AlertMailEvent::Kind::kRetry:
        if (c != nullptr) counter = &c->alerts_retried;
        break;
    }
    if (counter != nullptr) counter->fetch_add(1, std::memory_order_relaxed);
    out.log.push_back({level, "callexa: alerts: " + e.text});
  }
  return out;
}

// `step` with its [error] lines written at most once a minute each: a
// database that is down fails every step of a job the same way, and one
// line a minute says so, with how many it held back.
std::function<JobStepResult()> OnceAMinutePerError(std::function<JobStepResult()> step) {
  auto limiter = std::make_shared<LogLimiter>();
  return [step = std::move(step), limiter] {
    JobStepResult r = step();
    std::vector<LogLine> kept;
    for (LogLine &line : r.log) {
      int64_t held_back = 0;
      if (line.level == LogLevel::kError &&
          !limiter->Admit(line.text, UnixNow(), &held_back)) {
        continue;
      }
      if (held_back > 0) {
        line.text += " (and " + std::to_string(held_back) + " more this minute)";
      }
      kept.push_back(std::move(line));
    }
    r.log = std::move(kept);
    return r;
  };
}

LogLevel LevelOf(SyncStepResult::Level level) {
  switch (level) {
    case SyncStepResult::Level::kError:
      return LogLevel::kError;
    case SyncStepResult::Level::kWarn:
      return LogLevel::kWarn;
    default:
      return LogLevel::kInfo;
  }
}

// The lines a step leaves in the error log: a failing store at [error];
// emails that did not go out grouped by cause ([warn] for what is retried or
// bounced, [error] for what is given up), each cause at most once a minute
// (`limiter`); a summary at [info].
JobStepResult DescribeDeliveryStep(const DeliveryStepResult &r, LogLimiter *limiter,
                                   int64_t now) {
  JobStepResult out;
  out.more = r.status.ok() && r.more;
  if (!r.status.ok()) {
    out.log.push_back(
        {LogLevel::kError, "callexa: scheduler: " + r.status.ToLogString()});
  }
  std::map<std::pair<DeliveryRecord::Outcome, std::string>, int> causes;
  for (const DeliveryProblem &p : r.problems) ++causes[{p.outcome, p.cause}];
  for (const auto &[key, count] : causes) {
    const auto &[outcome, cause] = key;
    const char *what = outcome == DeliveryRecord::Outcome::kRetry     ? "to retry"
                       : outcome == DeliveryRecord::Outcome::kBounced ? "bounced"
                                                                      : "failed for good";
    int64_t held_back = 0;
    if (!limiter->Admit(std::string(what) + cause, now, &held_back)) continue;
    std::string line = "callexa: scheduler: " + std::to_string(count) +
                       (count == 1 ? " email " : " emails ") + what + ": " + cause;
    if (held_back > 0) {
      line += " (and " + std::to_string(held_back) + " more reports of it this minute)";
    }
    out.log.push_back(
        {outcome == DeliveryRecord::Outcome::kFailed ? LogLevel::kError : LogLevel::kWarn,
         std::move(line)});
  }
  if (r.claimed > 0) {
    out.log.push_back(
        {LogLevel::kInfo, "callexa: scheduler: " + std::to_string(r.claimed) +
                              " claimed, " + std::to_string(r.sent) + " sent, " +
                              std::to_string(r.retried) + " to retry, " +
                              std::to_string(r.bounced) + " bounced, " +
                              std::to_string(r.failed) + " failed, " +
                              std::to_string(r.released) + " released"});
  }
  // Once per invitation: a deferred one is not due again before its window.
  if (r.deferred > 0) {
    out.log.push_back(
        {LogLevel::kInfo, "callexa: scheduler: " + std::to_string(r.deferred) +
                              " due outside their survey's send window, "
                              "held until it opens"});
  }
  return out;
}

// A reply step's lines: failures by cause at most once a minute each
// (`limiter`), a summary at [info]; its outcomes counted.
JobStepResult DescribeReplyStep(const ReplyStepResult &r, LogLimiter *limiter,
                                SharedCounters *c, int64_t now) {
  JobStepResult out;
  out.more = r.status.ok() && r.more;
  if (!r.status.ok()) {
    out.log.push_back({LogLevel::kError, "callexa: replies: " + r.status.ToLogString()});
  }
  for (const std::string &problem : r.problems) {
    int64_t held_back = 0;
    if (!limiter->Admit(problem, now, &held_back)) continue;
    out.log.push_back(
        {problem.rfind("failed", 0) == 0 ? LogLevel::kError : LogLevel::kWarn,
         "callexa: replies: a reply " + problem});
  }
  if (r.claimed > 0) {
    out.log.push_back({LogLevel::kInfo, "callexa: replies: " + std::to_string(r.claimed) +
                                            " claimed, " + std::to_string(r.sent) +
                                            " sent, " + std::to_string(r.retried) +
                                            " to retry, " + std::to_string(r.failed) +
                                            " failed"});
  }
  if (c != nullptr) {
    c->replies_sent.fetch_add(r.sent, std::memory_order_relaxed);
    c->replies_retried.fetch_add(r.retried, std::memory_order_relaxed);
    c->replies_failed.fetch_add(r.failed, std::memory_order_relaxed);
  }
  return out;
}

// A reminder step's lines, added to the survey email step's `out` (the same
// job): problems by cause at most once a minute each, a summary at [info];
// its outcomes counted.
void DescribeReminderStep(const ReminderStepResult &r, LogLimiter *limiter,
                          SharedCounters *c, int64_t now, JobStepResult *out) {
  out->more = out->more || (r.status.ok() && r.more);
  if (!r.status.ok()) {
    out->log.push_back(
        {LogLevel::kError, "callexa: reminders: " + r.status.ToLogString()});
  }
  for (const DeliveryProblem &p : r.problems) {
    int64_t held_back = 0;
    if (!limiter->Admit("reminder" + p.cause, now, &held_back)) continue;
    out->log.push_back(
        {p.outcome == DeliveryRecord::Outcome::kFailed ? LogLevel::kError
                                                       : LogLevel::kWarn,
         std::string("callexa: reminders: a reminder ") +
             (p.outcome == DeliveryRecord::Outcome::kRetry     ? "to retry: "
              : p.outcome == DeliveryRecord::Outcome::kBounced ? "bounced: "
                                                               : "failed for good: ") +
             p.cause});
  }
  if (r.claimed > 0) {
    out->log.push_back(
        {LogLevel::kInfo,
         "callexa: reminders: " + std::to_string(r.claimed) + " claimed, " +
             std::to_string(r.sent) + " sent, " + std::to_string(r.skipped) +
             " skipped, " + std::to_string(r.retried) + " to retry, " +
             std::to_string(r.bounced) + " bounced, " + std::to_string(r.failed) +
             " failed, " + std::to_string(r.released) + " released"});
  }
  if (c == nullptr) return;
  c->reminders_sent.fetch_add(r.sent, std::memory_order_relaxed);
  c->reminders_retried.fetch_add(r.retried, std::memory_order_relaxed);
  c->reminders_bounced.fetch_add(r.bounced, std::memory_order_relaxed);
  c->reminders_failed.fetch_add(r.failed, std::memory_order_relaxed);
  c->reminders_skipped.fetch_add(r.skipped, std::memory_order_relaxed);
}

void CountDeliveries(const DeliveryStepResult &r, SharedCounters *c) {
  if (c == nullptr) return;
  c->emails_sent.fetch_add(r.sent, std::memory_order_relaxed);
  c->emails_retried.fetch_add(r.retried, std::memory_order_relaxed);
  c->emails_bounced.fetch_add(r.bounced, std::memory_order_relaxed);
  c->emails_failed.fetch_add(r.failed, std::memory_order_relaxed);
}

// How survey emails leave, in words.
std::string DescribeMailTransport(const ServiceConfig &config) {
  if (!DeliveryConfigured(config)) {
    return "off (set callexa_public_url and callexa_mail_from)";
  }
  const std::string dkim = config.dkim_signer == nullptr
                               ? ""
                               : ", DKIM-signed for " + config.dkim_signer->domain();
  if (config.smtp_url.empty()) return ".eml files in " + config.mail_dir + dkim;
  return config.smtp_url +
         (config.smtp_url.rfind("smtps://", 0) == 0 ? " (TLS)"
          : config.smtp_starttls                    ? " (STARTTLS required)"
                                                    : " (plain, no STARTTLS)") +
         dkim;
}

// The admin's view of the installation; opens the transport for test
// emails into *test_mail when survey emails are configured.
AdminOptions AdminOptionsFor(const ServiceConfig &config,
                             std::unique_ptr<MailTransport> *test_mail,
                             std::vector<LogLine> *log) {
  AdminOptions options;
  options.public_url = config.public_url;
  if (!config.public_url.empty()) {
    options.preview.survey_base_url = config.public_url + "/s/";
    options.preview.message_id_domain = HostOfUrl(config.public_url);
    options.logo_base_url = config.public_url + "/s/";
  }
  const auto from = ParseMailFrom(config.mail_from);
  if (from.ok()) options.preview.sender = *from;
  options.version = kLibraryVersion;
  options.allow_private_webhooks = config.webhook_private_networks;
  options.mail_transport = DescribeMailTransport(config);
  options.dkim = config.dkim_signer;
  const auto path = [&config](EndpointId id) {
    return config.endpoint_paths[static_cast<size_t>(id)];
  };
  options.destination_path = path(EndpointId::kDestination);
  options.tracking_api_path = path(EndpointId::kTrackingApi);
  options.survey_path = path(EndpointId::kSurvey);
  options.embed_path = path(EndpointId::kEmbed);
  if (!DeliveryConfigured(config)) return options;
  auto mail = OpenMailTransport(config, options.preview.message_id_domain);
  if (!mail.ok()) {
    log->push_back({LogLevel::kCrit,
                    "callexa: test emails are off: " + mail.status().ToLogString()});
    return options;
  }
  *test_mail = std::move(mail.value());
  options.test_mail = test_mail->get();
  return options;
}

// A webhook step's lines: each event not delivered at [warn] (to retry)
// or [error] (given up, or its webhook disabled), per webhook and cause at
// most once a minute (`limiter`); a failing store at [error].
JobStepResult DescribeWebhookStep(const WebhookStepResult &r, LogLimiter *limiter,
                                  int64_t now, SharedCounters *c) {
  if (c != nullptr) {
    c->webhooks_delivered.fetch_add(r.delivered, std::memory_order_relaxed);
    c->webhooks_retried.fetch_add(r.retried, std::memory_order_relaxed);
    c->webhooks_failed.fetch_add(r.failed, std::memory_order_relaxed);
  }
  JobStepResult out;
  out.more = r.status.ok() && r.more;
  if (!r.status.ok()) {
    out.log.push_back({LogLevel::kError, "callexa: webhooks: " + r.status.ToLogString()});
  }
  for (const WebhookProblem &p : r.problems) {
    const bool failed = p.state == WebhookAttempt::Outcome::kFailed;
    const std::string what = p.disabled ? "failed; the webhook is disabled after 3 days "
                                          "of failures"
                             : failed   ? "failed for good"
                                        : "to retry";
    const std::string key = std::to_string(p.webhook_id) + " " + what + p.cause;
    int64_t held_back = 0;
    if (!p.disabled && !limiter->Admit(key, now, &held_back)) continue;
    std::string line = "callexa: webhooks: an event to webhook " +
                       std::to_string(p.webhook_id) + " (" + p.host + ") " + what + ": " +
                       p.cause;
    if (held_back > 0) {
      line += " (and " + std::to_string(held_back) + " more like it this minute)";
    }
    out.log.push_back(
        {failed || p.disabled ? LogLevel::kError : LogLevel::kWarn, std::move(line)});
  }
  if (r.lost > 0) {
    out.log.push_back({LogLevel::kInfo, "callexa: webhooks: " + std::to_string(r.lost) +
                                            " attempts finished after their lease "
                                            "passed to another worker"});
  }
  return out;
}

// The row of `id` in kEndpointTable, which the shared counters are kept by.
size_t EndpointRow(EndpointId id) {
  size_t row = 0;
  while (row < kEndpointCount && kEndpointTable[row].id != id) ++row;
  return row;
}

}  // namespace

std::optional<std::string> DkimAlignmentWarning(const ServiceConfig &config) {
  if (config.dkim_signer == nullptr) return std::nullopt;
  const auto from = ParseMailFrom(config.mail_from);
  if (!from.ok()) return std::nullopt;
  const std::string &address = from->address;
  const std::string domain = address.substr(address.rfind('@') + 1);
  if (DkimAligned(config.dkim_signer->domain(), domain)) return std::nullopt;
  return "callexa: callexa_dkim signs for " + config.dkim_signer->domain() +
         " but callexa_mail_from sends from " + domain +
         ": they are not aligned, so receivers that check DMARC will reject or "
         "junk the mail; sign for the From domain (or a parent of it)";
}

std::string DescribeInstallation(const ServiceConfig &config) {
  const std::string mail = DescribeMailTransport(config);
  return std::string("callexa ") + kLibraryVersion + ": database " +
         config.database_path + " (schema " + std::to_string(LatestSchemaVersion()) +
         "), mail " + mail + ", public URL " +
         (config.public_url.empty() ? "unset" : config.public_url) + ", Segment API " +
         config.segment_api;
}

struct Service::Parts {
  std::unique_ptr<SqlStore> store;
  std::unique_ptr<IngestEndpoint> destination, tracking;
  std::unique_ptr<AdminApi> admin;
  std::unique_ptr<SurveyPages> survey;
  std::unique_ptr<MetricsEndpoint> metrics;
  std::unique_ptr<EmbedEndpoint> embed;

  std::unique_ptr<MailTransport> mail;
  std::unique_ptr<MailTransport> test_mail;  // the admin's, on every worker
  std::unique_ptr<MailTransport> report_mail;
  DeliveryOptions delivery;
  std::unique_ptr<MailTransport> reply_mail;
  ReplyOptions replies;
  ReportMailOptions reports;
  std::unique_ptr<MailTransport> alert_mail;
  AlertMailOptions alerts;
  std::unique_ptr<SegmentClient> segment;
  SyncOptions sync;
  std::unique_ptr<WebhookSender> webhook_sender;
  WebhookStepOptions webhooks;
};

Service::~Service() = default;

std::string NewLeaseOwner() {
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname - 1);
  return std::string(hostname) + ":" + std::to_string(getpid()) + ":" + RandomHex(4);
}

std::unique_ptr<Service> Service::Create(const ServiceConfig &config, bool runs_jobs,
                                         std::function<bool()> quitting,
                                         SharedCounters *counters,
                                         std::vector<LogLine> *startup_log) {
  std::unique_ptr<Service> service(new Service());
  service->parts_ = std::make_unique<Parts>();
  service->quitting_ = std::move(quitting);
  service->counters_ = counters;
  Parts &p = *service->parts_;
  ConnectionEvents events;
  if (counters != nullptr) {
    events.connect_failed = [counters] {
      counters->database_connects_failed.fetch_add(1, std::memory_order_relaxed);
    };
    events.connection_lost = [counters] {
      counters->database_connections_lost.fetch_add(1, std::memory_order_relaxed);
    };
  }
  auto store = OpenStore(config.database_path, std::move(events));
  if (!store.ok()) {
    // Keep serving: every request answers 503, so Segment retries later.
    startup_log->push_back({LogLevel::kCrit, "callexa: " + store.status().ToLogString()});
    service->health_ = Status::Unavailable(
        "database unavailable; the events were not stored", store.status().ToLogString());
    return service;
  }
  p.store = std::move(store.value());
  p.store->SetAdminUrl(AdminUrlOf(config));  // the events' admin_url
  p.destination =
      std::make_unique<IngestEndpoint>(IngestApi::kDestination, p.store.get(), counters,
                                       EndpointRow(EndpointId::kDestination));
  p.tracking =
      std::make_unique<IngestEndpoint>(IngestApi::kTrackingApi, p.store.get(), counters,
                                       EndpointRow(EndpointId::kTrackingApi));
  p.admin = std::make_unique<AdminApi>(
      p.store.get(), AdminOptionsFor(config, &p.test_mail, startup_log));
  p.survey = std::make_unique<SurveyPages>(p.store.get());
  p.metrics = std::make_unique<MetricsEndpoint>(p.store.get(), counters);
  p.embed = std::make_unique<EmbedEndpoint>(p.store.get());
  // One worker runs the periodic jobs; leases in the database keep an
  // overlapping worker (reload) from doing the same work twice.
  if (runs_jobs) {
    startup_log->push_back({LogLevel::kNotice, DescribeInstallation(config)});
    if (auto warning = DkimAlignmentWarning(config)) {
      startup_log->push_back({LogLevel::kWarn, *warning});
    }
    service->StartDelivery(config, startup_log);
    service->StartSync(config, startup_log);
    service->StartRetention();
    service->StartReports(config, startup_log);
    service->StartAlerts(config, startup_log);
    service->StartWebhooks(config, startup_log);
    for (PeriodicJob &job : service->jobs_)
      job.step = OnceAMinutePerError(std::move(job.step));
  }
  return service;
}

Endpoint *Service::endpoint(EndpointId id) const {
  if (!health_.ok()) return nullptr;
  switch (id) {
    case EndpointId::kAdmin:
      return parts_->admin.get();
    case EndpointId::kSurvey:
      return parts_->survey.get();
    case EndpointId::kMetrics:
      return parts_->metrics.get();
    case EndpointId::kEmbed:
      return parts_->embed.get();
    case EndpointId::kDestination:
    case EndpointId::kTrackingApi:
      break;
  }
  return nullptr;
}

CommitEndpoint *Service::commit_endpoint(EndpointId id) const {
  if (!health_.ok()) return nullptr;
  if (id == EndpointId::kDestination) return parts_->destination.get();
  if (id == EndpointId::kTrackingApi) return parts_->tracking.get();
  return nullptr;
}

void Service::StartDelivery(const ServiceConfig &config, std::vector<LogLine> *log) {
  if (!DeliveryConfigured(config)) {
    log->push_back({LogLevel::kNotice,
                    "callexa: survey emails are off: set callexa_public_url and "
                    "callexa_mail_from to send them"});
    return;
  }
  Parts &p = *parts_;
  const std::string host = HostOfUrl(config.public_url);
  auto mail = OpenMailTransport(config, host);
  if (!mail.ok()) {
    log->push_back({LogLevel::kCrit,
                    "callexa: survey emails are off: " + mail.status().ToLogString()});
    return;
  }
  const auto from = ParseMailFrom(config.mail_from);
  if (!from.ok()) return;  // checked at configuration time
  p.mail = std::move(mail.value());
  p.delivery.survey_base_url = config.public_url + "/s/";
  p.delivery.sender_address = from.value().address;
  p.delivery.sender_name = from.value().name;
  p.delivery.message_id_domain = host;
  p.delivery.lease_owner = NewLeaseOwner();
  // One step at a time on the jobs pool: the limiter is the step's alone.
  auto limiter = std::make_shared<LogLimiter>();
  jobs_.push_back(
      {"scheduler", config.scheduler_interval_ms, [this, limiter] {
         const Parts &p = *parts_;
         const DeliveryStepResult r =
             RunDeliveryStep(p.store.get(), p.mail.get(), p.delivery, UnixNow, quitting_);
         CountDeliveries(r, counters_);
         JobStepResult out = DescribeDeliveryStep(r, limiter.get(), UnixNow());
         // Reminders after survey emails, on the same transport.
         const ReminderStepResult reminders =
             RunReminderStep(p.store.get(), p.mail.get(), p.delivery, UnixNow, quitting_);
         DescribeReminderStep(reminders, limiter.get(), counters_, UnixNow(), &out);
         return out;
       }});
  // The owner's replies to customers leave the same way, on a transport of
  // their own (the steps may run at once on the jobs pool).
  auto reply_mail = OpenMailTransport(config, host);
  if (!reply_mail.ok()) {
    log->push_back({LogLevel::kCrit,
                    "callexa: replies are off: " + reply_mail.status().ToLogString()});
    return;
  }
  p.reply_mail = std::move(reply_mail.value());
  p.replies.sender_address = from.value().address;
  p.replies.sender_name = from.value().name;
  p.replies.message_id_domain = host;
  p.replies.lease_owner = NewLeaseOwner();
  auto reply_limiter = std::make_shared<LogLimiter>();
  jobs_.push_back(
      {"replies", config.scheduler_interval_ms, [this, reply_limiter] {
         const Parts &p = *parts_;
         const ReplyStepResult r = RunReplyStep(p.store.get(), p.reply_mail.get(),
                                                p.replies, UnixNow, quitting_);
         return DescribeReplyStep(r, reply_limiter.get(), counters_, UnixNow());
       }});
}

void Service::StartSync(const ServiceConfig &config, std::vector<LogLine> *log) {
  // Polled during a transfer, so a quitting worker aborts it within a
  // second instead of holding the jobs pool (which exit waits for) for the
  // whole timeout; the batch then goes again from the next worker.
  auto client = CurlSegmentClient::Create(quitting_, {});
  if (!client.ok()) {
    log->push_back(
        {LogLevel::kCrit, "callexa: sync-back is off: " + client.status().ToLogString()});
    return;
  }
  Parts &p = *parts_;
  p.segment = std::move(client.value());
  p.sync.api_url = config.segment_api;
  p.sync.owner = NewLeaseOwner();
  p.sync.interval_seconds = config.sync_interval_ms / 1000;
  // It only sends for surveys with a segment_write_key, so it runs
  // everywhere without configuration.
  jobs_.push_back({"sync", std::min(kSyncPollMs, config.sync_interval_ms), [this] {
                     const Parts &p = *parts_;
                     const SyncStepResult r =
                         RunSyncStep(p.store.get(), p.segment.get(), p.sync, UnixNow());
                     JobStepResult out;
                     out.more = r.more_work;
                     if (r.level != SyncStepResult::Level::kNone) {
                       out.log.push_back({LevelOf(r.level), r.log_line});
                     }
                     return out;
                   }});
}

void Service::StartRetention() {
  // Idempotent and cheap when nothing is due, so no lease: an overlapping
  // worker 0 during a reload may run it too.
  jobs_.push_back(
      {"retention", kRetentionIntervalMs, [this] {
         JobStepResult out;
         auto deleted = parts_->store->DeleteExpiredAnswers(UnixNow());
         if (!deleted.ok()) {
           out.log.push_back({LogLevel::kError,
                              "callexa: retention: " + deleted.status().ToLogString()});
         } else if (*deleted > 0) {
           out.log.push_back({LogLevel::kNotice,
                              "callexa: retention: deleted " + std::to_string(*deleted) +
                                  " answers past their survey's retention"});
         }
         return out;
       }});
}

void Service::StartReports(const ServiceConfig &config, std::vector<LogLine> *log) {
  if (!DeliveryConfigured(config)) return;  // StartDelivery said why
  Parts &p = *parts_;
  if (!OpenNotificationMail(config, "report emails", &p.report_mail, &p.reports.sender,
                            log)) {
    return;
  }
  p.reports.message_id_domain = HostOfUrl(config.public_url);
  p.reports.lease_owner = NewLeaseOwner();
  p.reports.follow_ups = p.store.get();
  p.reports.admin_url = AdminUrlOf(config);
  // A period's report goes within one scheduler interval of its end; the
  // poll is one read of the surveys and, per reporting survey, one of its
  // run.
  jobs_.push_back({"reports", config.scheduler_interval_ms, [this] {
                     Parts &p = *parts_;
                     const ReportMailStepResult r = RunReportMailStep(
                         p.store.get(), p.store.get(), p.store.get(), p.report_mail.get(),
                         p.reports, UnixNow(), quitting_);
                     return DescribeReportStep(r);
                   }});
}

void Service::StartAlerts(const ServiceConfig &config, std::vector<LogLine> *log) {
  if (!DeliveryConfigured(config)) return;  // StartDelivery said why
  Parts &p = *parts_;
  if (!OpenNotificationMail(config, "alert emails", &p.alert_mail, &p.alerts.sender,
                            log)) {
    return;
  }
  p.alerts.message_id_domain = HostOfUrl(config.public_url);
  p.alerts.lease_owner = NewLeaseOwner();
  p.alerts.quiet_seconds = std::max<int64_t>(1, config.alert_quiet_period_ms / 1000);
  p.alerts.admin_url = AdminUrlOf(config);
  // Polled more often than the scheduler, so that an alert goes within
  // seconds of settling: a poll is one indexed read when nothing is due.
  const int64_t poll_ms =
      std::min<int64_t>(config.scheduler_interval_ms,
                        std::max<int64_t>(1000, config.alert_quiet_period_ms / 4));
  jobs_.push_back({"alerts", poll_ms, [this] {
                     Parts &p = *parts_;
                     const AlertMailStepResult r = RunAlertMailStep(
                         p.store.get(), p.store.get(), p.alert_mail.get(), p.alerts,
                         UnixNow(), quitting_);
                     return DescribeAlertStep(r, counters_);
                   }});
}

void Service::StartWebhooks(const ServiceConfig &config, std::vector<LogLine> *log) {
  Parts &p = *parts_;
  p.webhook_sender = MakeCurlWebhookSender(config.webhook_private_networks);
  if (p.webhook_sender == nullptr) {
    log->push_back({LogLevel::kCrit, "callexa: webhooks are off: libcurl did not start"});
    return;
  }
  p.webhooks.lease_owner = NewLeaseOwner();
  // Every second: an event goes out within a second of its answer, and a
  // poll is one indexed read when nothing is due. A step that delivered
  // runs again at once, for the next event of the same webhook.
  auto limiter = std::make_shared<LogLimiter>();
  jobs_.push_back({"webhooks", 1000, [this, limiter] {
                     Parts &p = *parts_;
                     const WebhookStepResult r =
                         RunWebhookStep(p.store.get(), p.webhook_sender.get(), p.webhooks,
                                        UnixNow, quitting_);
                     return DescribeWebhookStep(r, limiter.get(), UnixNow(), counters_);
                   }});
}

}  // namespace callexa
