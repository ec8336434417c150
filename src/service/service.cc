#include "service/service.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <utility>

#include "admin/admin_api.h"
#include "common/secrets.h"
#include "delivery/delivery_runner.h"
#include "ingest/ingest_endpoint.h"
#include "mail/mail_dir_transport.h"
#include "mail/mail_from.h"
#include "mail/smtp_transport.h"
#include "metrics/metrics.h"
#include "store/sqlite_store.h"
#include "survey/survey_pages.h"
#include "sync/curl_segment_client.h"
#include "sync/sync_runner.h"
#include "testimonials/embed_endpoint.h"

namespace callexa {
namespace {

// How often the sync job looks for a survey due a sync. A survey's cadence,
// callexa_sync_interval, is kept in the database (its next run); polling
// this often lets "run now" (POST api/surveys/{id}/sync) start within
// seconds, and the poll is one read-only query.
constexpr int64_t kSyncPollMs = 5000;

int64_t UnixNow() { return static_cast<int64_t>(time(nullptr)); }

// Where survey emails go: the SMTP server, or .eml files.
Result<std::unique_ptr<MailTransport>> OpenMailTransport(const ServiceConfig &config,
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
  auto smtp = SmtpTransport::Create(options);
  if (!smtp.ok()) return smtp.status();
  return std::unique_ptr<MailTransport>(std::move(smtp.value()));
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

JobStepResult DescribeDeliveryStep(const DeliveryStepResult &r) {
  JobStepResult out;
  out.more = r.status.ok() && r.more;
  if (!r.status.ok()) {
    out.log.push_back(
        {LogLevel::kError, "callexa: scheduler: " + r.status.ToLogString()});
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
  return out;
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

}  // namespace

struct Service::Parts {
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<IngestEndpoint> destination, tracking;
  std::unique_ptr<AdminApi> admin;
  std::unique_ptr<SurveyPages> survey;
  std::unique_ptr<MetricsEndpoint> metrics;
  std::unique_ptr<EmbedEndpoint> embed;

  std::unique_ptr<MailTransport> mail;
  std::unique_ptr<MailTransport> test_mail;  // the admin's, on every worker
  DeliveryOptions delivery;
  std::unique_ptr<SegmentClient> segment;
  SyncOptions sync;
};

Service::~Service() = default;

std::string NewLeaseOwner() {
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname - 1);
  return std::string(hostname) + ":" + std::to_string(getpid()) + ":" + RandomHex(4);
}

std::unique_ptr<Service> Service::Create(const ServiceConfig &config, bool runs_jobs,
                                         std::function<bool()> quitting,
                                         std::vector<LogLine> *startup_log) {
  std::unique_ptr<Service> service(new Service());
  service->parts_ = std::make_unique<Parts>();
  service->quitting_ = std::move(quitting);
  Parts &p = *service->parts_;
  auto store = SqliteStore::Open(config.database_path);
  if (!store.ok()) {
    // Keep serving: every request answers 503, so Segment retries later.
    startup_log->push_back({LogLevel::kCrit, "callexa: " + store.status().ToLogString()});
    service->health_ = Status::Unavailable(
        "database unavailable; the events were not stored", store.status().ToLogString());
    return service;
  }
  p.store = std::move(store.value());
  p.destination =
      std::make_unique<IngestEndpoint>(IngestApi::kDestination, p.store.get());
  p.tracking = std::make_unique<IngestEndpoint>(IngestApi::kTrackingApi, p.store.get());
  p.admin = std::make_unique<AdminApi>(
      p.store.get(), AdminOptionsFor(config, &p.test_mail, startup_log));
  p.survey = std::make_unique<SurveyPages>(p.store.get());
  p.metrics = std::make_unique<MetricsEndpoint>(p.store.get());
  p.embed = std::make_unique<EmbedEndpoint>(p.store.get());
  // One worker runs the periodic jobs; leases in the database keep an
  // overlapping worker (reload) from doing the same work twice.
  if (runs_jobs) {
    service->StartDelivery(config, startup_log);
    service->StartSync(config, startup_log);
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
  jobs_.push_back({"scheduler", config.scheduler_interval_ms, [this] {
                     const Parts &p = *parts_;
                     return DescribeDeliveryStep(RunDeliveryStep(
                         p.store.get(), p.mail.get(), p.delivery, UnixNow, quitting_));
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

}  // namespace callexa
