// nginx glue of Callexa: directives, process hooks and content handlers.
// It turns an nginx request into a callexa::HttpRequest, hands it to the
// core (src/), runs blocking work on an nginx thread pool and writes the
// answer back on the event loop. No business rule lives here.
//
// Every function nginx calls catches all exceptions: one escaping into
// nginx's C frames would kill the worker.

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>
}

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/admin_api.h"
#include "common/curl_global.h"
#include "common/secrets.h"
#include "common/web_url.h"
#include "delivery/delivery_runner.h"
#include "http/http_exchange.h"
#include "ingest/ingest_request.h"
#include "mail/mail_dir_transport.h"
#include "mail/mail_from.h"
#include "mail/smtp_transport.h"
#include "metrics/metrics.h"
#include "store/sqlite_store.h"
#include "survey/survey_pages.h"
#include "sync/curl_segment_client.h"
#include "sync/sync_runner.h"

#if !(NGX_THREADS)
#error ngx_http_callexa_module requires nginx built --with-threads
#endif

extern "C" ngx_module_t ngx_http_callexa_module;
// Present when nginx has auth_request; weak so the module loads without it.
extern "C" ngx_module_t ngx_http_auth_request_module __attribute__((weak));

namespace {

enum CallexaHandler : ngx_uint_t {
  kHandlerNone = 0,
  kHandlerDestination,
  kHandlerTrackingApi,
  kHandlerAdmin,
  kHandlerSurvey,
  kHandlerMetrics,
};

struct CallexaMainConf {
  ngx_str_t database;
  ngx_str_t thread_pool_name;
  ngx_thread_pool_t *thread_pool;
  // Periodic jobs hold a thread for seconds (SMTP, Segment): a pool of
  // their own keeps them from delaying request commits.
  ngx_str_t jobs_thread_pool_name;
  ngx_thread_pool_t *jobs_thread_pool;
  ngx_flag_t used;  // some location has a callexa handler

  // Delivery of survey emails; off while public_url or mail_from is unset.
  ngx_str_t public_url;  // without a trailing "/"
  ngx_str_t mail_from;
  ngx_str_t smtp;  // "" or "off": write .eml files to mail_dir
  ngx_str_t smtp_credentials;
  ngx_flag_t smtp_starttls;
  ngx_str_t mail_dir;
  ngx_msec_t scheduler_interval;

  ngx_str_t segment_api;
  ngx_msec_t sync_interval;
};

struct CallexaLocConf {
  ngx_uint_t handler;
};

// One request waiting for, or taking part in, a group commit.
struct PendingIngest {
  ngx_http_request_t *request;
  callexa::IngestJob job;
};

// Work that one worker repeats on a timer (the scheduler, sync-back). Each
// firing posts one pool task doing a bounded step; the timer is armed
// again when the step is done: at once while it reports more work, else
// after `interval`. The timer is cancelable, so a quitting worker does not
// wait for it, and a step stops early once nginx is quitting.
struct PeriodicJob {
  const char *name = "";
  ngx_msec_t interval = 0;
  std::function<bool(ngx_log_t *)> step;  // on a pool thread; true: more now
  ngx_event_t timer{};
  ngx_connection_t timer_conn{};  // dummy event data, for debug logging
  ngx_thread_task_t *task = nullptr;
  bool running = false;
  bool more = false;
};

struct PeriodicTaskCtx {
  PeriodicJob *job;
};

// Per-worker state, created in init_process (after fork) and destroyed in
// exit_process, so SQLite never crosses fork.
struct CallexaWorker {
  std::unique_ptr<callexa::SqliteStore> store;
  std::unique_ptr<callexa::AdminApi> admin;
  std::unique_ptr<callexa::SurveyPages> survey;
  std::unique_ptr<callexa::MailTransport> mail;
  callexa::DeliveryOptions delivery;
  std::unique_ptr<callexa::SegmentClient> segment;
  callexa::SyncOptions sync;
  std::vector<std::unique_ptr<PeriodicJob>> jobs;
  ngx_thread_pool_t *pool = nullptr;
  ngx_thread_pool_t *jobs_pool = nullptr;
  ngx_log_t *log = nullptr;

  // Group commit: requests queue in `waiting` while one batch (`in_flight`)
  // commits on a pool thread; the next batch takes everything that queued.
  ngx_thread_task_t *ingest_task = nullptr;
  std::vector<PendingIngest> waiting;
  std::vector<PendingIngest> in_flight;
  bool commit_running = false;
  time_t batch_time = 0;

  // A gracefully exiting worker (reload, quit) leaves as soon as no
  // non-cancelable timer is left, and a request waiting on a pool task has
  // none: it would be dropped unanswered. This timer is armed while any
  // request waits on the pool, so the worker answers them all first.
  ngx_uint_t requests_on_pool = 0;
  ngx_event_t pool_wait_timer{};
  ngx_connection_t pool_wait_conn{};  // dummy event data, for debug logging
};

CallexaWorker *g_worker = nullptr;

// A blocking admin, survey page or metrics request on its way through the
// pool.
struct BlockingCall {
  ngx_http_request_t *request;
  ngx_uint_t handler;  // kHandlerAdmin, kHandlerSurvey or kHandlerMetrics
  callexa::HttpRequest in;
  callexa::HttpResponse out;
  time_t now;
};

struct BlockingTaskCtx {
  BlockingCall *call;
};

void *CreateMainConf(ngx_conf_t *cf);
char *InitMainConf(ngx_conf_t *cf, void *conf);
void *CreateLocConf(ngx_conf_t *cf);
char *MergeLocConf(ngx_conf_t *cf, void *parent, void *child);
char *SetHandler(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t InitProcess(ngx_cycle_t *cycle);
void ExitProcess(ngx_cycle_t *cycle);
ngx_int_t ContentHandler(ngx_http_request_t *r);
void PoolWaitTimerFired(ngx_event_t *ev);

ngx_command_t kCommands[] = {
    {ngx_string("callexa_database"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, database), nullptr},
    {ngx_string("callexa_thread_pool"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, thread_pool_name), nullptr},
    {ngx_string("callexa_jobs_thread_pool"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, jobs_thread_pool_name), nullptr},
    {ngx_string("callexa_public_url"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, public_url), nullptr},
    {ngx_string("callexa_mail_from"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, mail_from), nullptr},
    {ngx_string("callexa_smtp"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET, offsetof(CallexaMainConf, smtp),
     nullptr},
    {ngx_string("callexa_smtp_credentials"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, smtp_credentials), nullptr},
    {ngx_string("callexa_smtp_starttls"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, smtp_starttls), nullptr},
    {ngx_string("callexa_mail_dir"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, mail_dir), nullptr},
    {ngx_string("callexa_scheduler_interval"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, scheduler_interval), nullptr},
    {ngx_string("callexa_segment_api"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, segment_api), nullptr},
    {ngx_string("callexa_sync_interval"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, sync_interval), nullptr},
    {ngx_string("callexa_destination"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, SetHandler,
     NGX_HTTP_LOC_CONF_OFFSET, 0, reinterpret_cast<void *>(kHandlerDestination)},
    {ngx_string("callexa_tracking_api"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, SetHandler,
     NGX_HTTP_LOC_CONF_OFFSET, 0, reinterpret_cast<void *>(kHandlerTrackingApi)},
    {ngx_string("callexa_admin"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, SetHandler,
     NGX_HTTP_LOC_CONF_OFFSET, 0, reinterpret_cast<void *>(kHandlerAdmin)},
    {ngx_string("callexa_survey"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, SetHandler,
     NGX_HTTP_LOC_CONF_OFFSET, 0, reinterpret_cast<void *>(kHandlerSurvey)},
    {ngx_string("callexa_metrics"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, SetHandler,
     NGX_HTTP_LOC_CONF_OFFSET, 0, reinterpret_cast<void *>(kHandlerMetrics)},
    ngx_null_command,
};

ngx_http_module_t kModuleCtx = {
    nullptr,         // preconfiguration
    nullptr,         // postconfiguration
    CreateMainConf,  // create main configuration
    InitMainConf,    // init main configuration
    nullptr,         // create server configuration
    nullptr,         // merge server configuration
    CreateLocConf,   // create location configuration
    MergeLocConf,    // merge location configuration
};

// ---------------------------------------------------------------------------
// Configuration

void *CreateMainConf(ngx_conf_t *cf) {
  auto *mcf =
      static_cast<CallexaMainConf *>(ngx_pcalloc(cf->pool, sizeof(CallexaMainConf)));
  if (mcf == nullptr) return nullptr;
  mcf->used = 0;
  mcf->smtp_starttls = NGX_CONF_UNSET;
  mcf->scheduler_interval = NGX_CONF_UNSET_MSEC;
  mcf->sync_interval = NGX_CONF_UNSET_MSEC;
  return mcf;
}

std::string ToString(const ngx_str_t &s) {
  return std::string(reinterpret_cast<const char *>(s.data), s.len);
}

// Checks the delivery directives, so that a typo fails `nginx -t` instead
// of every email at run time.
char *CheckDeliveryConf(ngx_conf_t *cf, CallexaMainConf *mcf) {
  while (mcf->public_url.len > 0 &&
         mcf->public_url.data[mcf->public_url.len - 1] == '/') {
    --mcf->public_url.len;
  }
  if (mcf->public_url.len > 0) {
    const callexa::Status s =
        callexa::CheckWebUrl(ToString(mcf->public_url), false, "callexa_public_url");
    if (!s.ok()) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", s.message().c_str());
      return static_cast<char *>(NGX_CONF_ERROR);
    }
  }
  if (mcf->mail_from.len > 0) {
    auto from = callexa::ParseMailFrom(ToString(mcf->mail_from));
    if (!from.ok()) {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "callexa_mail_from: %s",
                         from.status().message().c_str());
      return static_cast<char *>(NGX_CONF_ERROR);
    }
  }
  if (mcf->smtp.len == 3 && ngx_strncmp(mcf->smtp.data, "off", 3) == 0) {
    mcf->smtp.len = 0;
  }
  if (mcf->smtp_credentials.len > 0 &&
      ngx_conf_full_name(cf->cycle, &mcf->smtp_credentials, 1) != NGX_OK) {
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  return NGX_CONF_OK;
}

// Checks callexa_segment_api, so that a typo fails `nginx -t` instead of
// every sync run. Batches go to <api>/batch: a trailing "/" is dropped.
char *CheckSyncConf(ngx_conf_t *cf, CallexaMainConf *mcf) {
  while (mcf->segment_api.len > 0 &&
         mcf->segment_api.data[mcf->segment_api.len - 1] == '/') {
    --mcf->segment_api.len;
  }
  const callexa::Status s =
      callexa::CheckWebUrl(ToString(mcf->segment_api), false, "callexa_segment_api");
  if (!s.ok()) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", s.message().c_str());
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  if (mcf->sync_interval < 1000) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "callexa_sync_interval must be at least 1s");
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  return NGX_CONF_OK;
}

char *InitMainConfDefaults(ngx_conf_t *cf, CallexaMainConf *mcf) {
  if (mcf->database.len == 0) {
    ngx_str_set(&mcf->database, "/var/lib/callexa/callexa.db");
  }
  if (mcf->thread_pool_name.len == 0) {
    ngx_str_set(&mcf->thread_pool_name, "default");
  }
  if (mcf->jobs_thread_pool_name.len == 0) {
    ngx_str_set(&mcf->jobs_thread_pool_name, "default");
  }
  if (mcf->mail_dir.len == 0) {
    ngx_str_set(&mcf->mail_dir, "/var/lib/callexa/mail");
  }
  if (mcf->segment_api.len == 0) {
    ngx_str_set(&mcf->segment_api, "https://api.segment.io/v1");
  }
  ngx_conf_init_value(mcf->smtp_starttls, 1);
  ngx_conf_init_msec_value(mcf->scheduler_interval, 60 * 1000);
  ngx_conf_init_msec_value(mcf->sync_interval, 24 * 60 * 60 * 1000);
  if (ngx_conf_full_name(cf->cycle, &mcf->mail_dir, 0) != NGX_OK) {
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  if (CheckDeliveryConf(cf, mcf) != NGX_CONF_OK ||
      CheckSyncConf(cf, mcf) != NGX_CONF_OK) {
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  if (ngx_conf_full_name(cf->cycle, &mcf->database, 0) != NGX_OK) {
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  mcf->thread_pool = ngx_thread_pool_add(cf, &mcf->thread_pool_name);
  if (mcf->thread_pool == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
  mcf->jobs_thread_pool = ngx_thread_pool_add(cf, &mcf->jobs_thread_pool_name);
  if (mcf->jobs_thread_pool == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
  return NGX_CONF_OK;
}

char *InitMainConf(ngx_conf_t *cf, void *conf) {
  try {
    return InitMainConfDefaults(cf, static_cast<CallexaMainConf *>(conf));
  } catch (const std::exception &e) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "callexa: %s", e.what());
  } catch (...) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "callexa: configuration failed");
  }
  return static_cast<char *>(NGX_CONF_ERROR);
}

void *CreateLocConf(ngx_conf_t *cf) {
  auto *lcf =
      static_cast<CallexaLocConf *>(ngx_pcalloc(cf->pool, sizeof(CallexaLocConf)));
  if (lcf == nullptr) return nullptr;
  lcf->handler = NGX_CONF_UNSET_UINT;
  return lcf;
}

char *MergeLocConf(ngx_conf_t *cf, void *parent, void *child) {
  auto *prev = static_cast<CallexaLocConf *>(parent);
  auto *conf = static_cast<CallexaLocConf *>(child);
  ngx_conf_merge_uint_value(conf->handler, prev->handler, kHandlerNone);
  return NGX_CONF_OK;
}

char *SetHandler(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  auto *lcf = static_cast<CallexaLocConf *>(conf);
  if (lcf->handler != NGX_CONF_UNSET_UINT) return const_cast<char *>("is duplicate");
  lcf->handler = reinterpret_cast<ngx_uint_t>(cmd->post);
  auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
      ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
  clcf->handler = ContentHandler;
  auto *mcf = static_cast<CallexaMainConf *>(
      ngx_http_conf_get_module_main_conf(cf, ngx_http_callexa_module));
  mcf->used = 1;
  return NGX_CONF_OK;
}

// ---------------------------------------------------------------------------
// Periodic jobs (worker 0)

bool Quitting() { return ngx_quit || ngx_terminate || ngx_exiting; }

void PeriodicTaskRun(void *data, ngx_log_t *log) {
  PeriodicJob *job = static_cast<PeriodicTaskCtx *>(data)->job;
  job->more = false;
  try {
    job->more = job->step(log);
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: %s failed: %s", job->name, e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: %s failed", job->name);
  }
}

void PeriodicTaskDone(ngx_event_t *ev) {
  auto *job = static_cast<PeriodicJob *>(ev->data);
  job->running = false;
  if (!Quitting()) ngx_add_timer(&job->timer, job->more ? 1 : job->interval);
}

void PeriodicTimerFired(ngx_event_t *ev) {
  auto *job = static_cast<PeriodicJob *>(static_cast<ngx_connection_t *>(ev->data)->data);
  if (Quitting() || job->running || g_worker == nullptr) return;
  if (ngx_thread_task_post(g_worker->jobs_pool, job->task) != NGX_OK) {
    ngx_add_timer(ev, job->interval);
    return;
  }
  job->running = true;
}

// Runs `step` every `interval` from a second from now.
ngx_int_t AddPeriodicJob(ngx_cycle_t *cycle, CallexaWorker *w, const char *name,
                         ngx_msec_t interval, std::function<bool(ngx_log_t *)> step) {
  auto job = std::make_unique<PeriodicJob>();
  job->name = name;
  job->interval = interval;
  job->step = std::move(step);
  job->task = ngx_thread_task_alloc(cycle->pool, sizeof(PeriodicTaskCtx));
  if (job->task == nullptr) return NGX_ERROR;
  static_cast<PeriodicTaskCtx *>(job->task->ctx)->job = job.get();
  job->task->handler = PeriodicTaskRun;
  job->task->event.handler = PeriodicTaskDone;
  job->task->event.data = job.get();
  job->task->event.log = cycle->log;
  job->timer_conn.fd = static_cast<ngx_socket_t>(-1);
  job->timer_conn.data = job.get();
  job->timer.data = &job->timer_conn;
  job->timer.handler = PeriodicTimerFired;
  job->timer.log = cycle->log;
  job->timer.cancelable = 1;
  ngx_add_timer(&job->timer, 1000);
  w->jobs.push_back(std::move(job));
  return NGX_OK;
}

// The host of a URL ("nps.example.com" of "https://nps.example.com:8443/x").
std::string HostOf(const std::string &url) {
  const size_t start = url.find("://") + 3;
  const size_t end = url.find_first_of(":/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Where survey emails go: the SMTP server, or .eml files.
callexa::Result<std::unique_ptr<callexa::MailTransport>> OpenMailTransport(
    const CallexaMainConf *mcf, const std::string &helo) {
  if (mcf->smtp.len == 0) {
    return std::unique_ptr<callexa::MailTransport>(
        std::make_unique<callexa::MailDirTransport>(ToString(mcf->mail_dir)));
  }
  callexa::SmtpOptions options;
  options.url = ToString(mcf->smtp);
  options.require_tls = mcf->smtp_starttls != 0;
  options.credentials_file = ToString(mcf->smtp_credentials);
  options.helo_domain = helo;
  auto smtp = callexa::SmtpTransport::Create(options);
  if (!smtp.ok()) return smtp.status();
  return std::unique_ptr<callexa::MailTransport>(std::move(smtp.value()));
}

// A lease owner unique to this worker process: hostname:pid:random, since
// a pid alone repeats across hosts and restarts.
std::string LeaseOwner() {
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname - 1);
  return std::string(hostname) + ":" + std::to_string(ngx_pid) + ":" +
         callexa::RandomHex(4);
}

// Starts the scheduler on this worker when delivery is configured.
ngx_int_t StartDelivery(ngx_cycle_t *cycle, const CallexaMainConf *mcf,
                        CallexaWorker *w) {
  if (mcf->public_url.len == 0 || mcf->mail_from.len == 0) {
    ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                  "callexa: survey emails are off: set callexa_public_url and "
                  "callexa_mail_from to send them");
    return NGX_OK;
  }
  const std::string public_url = ToString(mcf->public_url);
  const std::string host = HostOf(public_url);
  auto mail = OpenMailTransport(mcf, host);
  if (!mail.ok()) {
    ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: survey emails are off: %s",
                  mail.status().ToLogString().c_str());
    return NGX_OK;
  }
  w->mail = std::move(mail.value());
  const auto from = callexa::ParseMailFrom(ToString(mcf->mail_from));
  if (!from.ok()) return NGX_ERROR;  // checked at configuration time
  w->delivery.survey_base_url = public_url + "/s/";
  w->delivery.sender_address = from.value().address;
  w->delivery.sender_name = from.value().name;
  w->delivery.message_id_domain = host;
  w->delivery.lease_owner = LeaseOwner();
  return AddPeriodicJob(
      cycle, w, "scheduler", mcf->scheduler_interval, [w](ngx_log_t *log) {
        const callexa::DeliveryStepResult r = callexa::RunDeliveryStep(
            w->store.get(), w->mail.get(), w->delivery,
            [] { return static_cast<int64_t>(time(nullptr)); }, Quitting);
        if (!r.status.ok()) {
          ngx_log_error(NGX_LOG_ERR, log, 0, "callexa: scheduler: %s",
                        r.status.ToLogString().c_str());
        }
        if (r.claimed > 0) {
          ngx_log_error(NGX_LOG_INFO, log, 0,
                        "callexa: scheduler: %d claimed, %d sent, "
                        "%d to retry, %d bounced, %d failed, %d released",
                        r.claimed, r.sent, r.retried, r.bounced, r.failed, r.released);
        }
        return r.status.ok() && r.more;
      });
}

// How often worker 0 looks for a survey due a sync. A survey's cadence,
// callexa_sync_interval, is kept in the database (its next run); polling
// this often lets "run now" (POST api/surveys/{id}/sync) start within
// seconds, and the poll is one read-only query.
constexpr ngx_msec_t kSyncPollMs = 5000;

ngx_uint_t NgxLevel(callexa::SyncStepResult::Level level) {
  switch (level) {
    case callexa::SyncStepResult::Level::kError:
      return NGX_LOG_ERR;
    case callexa::SyncStepResult::Level::kWarn:
      return NGX_LOG_WARN;
    default:
      return NGX_LOG_INFO;
  }
}

// Starts the sync-back to Segment on this worker. It only sends for surveys
// with a segment_write_key, so it runs everywhere without configuration.
ngx_int_t StartSync(ngx_cycle_t *cycle, const CallexaMainConf *mcf, CallexaWorker *w) {
  // Polled during a transfer, so a quitting worker aborts it within a
  // second instead of holding the jobs pool (which exit waits for) for the
  // whole timeout; the batch then goes again from the next worker.
  auto client = callexa::CurlSegmentClient::Create(Quitting, {});
  if (!client.ok()) {
    ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: sync-back is off: %s",
                  client.status().ToLogString().c_str());
    return NGX_OK;
  }
  w->segment = std::move(client.value());
  w->sync.api_url = ToString(mcf->segment_api);
  w->sync.owner = LeaseOwner();
  w->sync.interval_seconds = mcf->sync_interval / 1000;
  return AddPeriodicJob(
      cycle, w, "sync", std::min(kSyncPollMs, mcf->sync_interval), [w](ngx_log_t *log) {
        const callexa::SyncStepResult r =
            callexa::RunSyncStep(w->store.get(), w->segment.get(), w->sync,
                                 static_cast<int64_t>(time(nullptr)));
        if (r.level != callexa::SyncStepResult::Level::kNone) {
          ngx_log_error(NgxLevel(r.level), log, 0, "%s", r.log_line.c_str());
        }
        return r.more_work;
      });
}

// ---------------------------------------------------------------------------
// Process hooks

void IngestTaskRun(void *data, ngx_log_t *log);
void IngestTaskDone(ngx_event_t *ev);

ngx_int_t InitProcess(ngx_cycle_t *cycle) {
  if (ngx_process != NGX_PROCESS_WORKER && ngx_process != NGX_PROCESS_SINGLE)
    return NGX_OK;
  auto *mcf = static_cast<CallexaMainConf *>(
      ngx_http_cycle_get_module_main_conf(cycle, ngx_http_callexa_module));
  if (mcf == nullptr || !mcf->used) return NGX_OK;
  // Pool threads free SQLite and JSON buffers in their own malloc arenas;
  // glibc then hands the pages back with madvise() after nearly every
  // commit, and each of those flushes the TLB of every core. Keep them.
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  try {
    const callexa::Status curl = callexa::EnsureCurlGlobalInit();
    if (!curl.ok()) {
      ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: %s", curl.ToLogString().c_str());
      return NGX_ERROR;
    }
    auto worker = std::make_unique<CallexaWorker>();
    worker->pool = mcf->thread_pool;
    worker->jobs_pool = mcf->jobs_thread_pool;
    worker->log = cycle->log;
    worker->ingest_task = ngx_thread_task_alloc(cycle->pool, 0);
    if (worker->ingest_task == nullptr) return NGX_ERROR;
    worker->ingest_task->handler = IngestTaskRun;
    worker->ingest_task->event.handler = IngestTaskDone;
    worker->ingest_task->event.log = cycle->log;
    worker->pool_wait_conn.fd = static_cast<ngx_socket_t>(-1);
    worker->pool_wait_timer.data = &worker->pool_wait_conn;
    worker->pool_wait_timer.handler = PoolWaitTimerFired;
    worker->pool_wait_timer.log = cycle->log;

    const std::string path(reinterpret_cast<char *>(mcf->database.data),
                           mcf->database.len);
    auto store = callexa::SqliteStore::Open(path);
    if (store.ok()) {
      worker->store = std::move(store.value());
      worker->admin =
          std::make_unique<callexa::AdminApi>(worker->store.get());
      worker->survey = std::make_unique<callexa::SurveyPages>(worker->store.get());
      // One worker runs the periodic jobs; leases in the database keep an
      // overlapping worker (reload) from doing the same work twice.
      if (ngx_worker == 0 && (StartDelivery(cycle, mcf, worker.get()) != NGX_OK ||
                              StartSync(cycle, mcf, worker.get()) != NGX_OK)) {
        return NGX_ERROR;
      }
    } else {
      // Keep serving: every write answers 503, so Segment retries later.
      ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: %s",
                    store.status().ToLogString().c_str());
    }
    g_worker = worker.release();
    return NGX_OK;
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: init failed: %s", e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: init failed");
  }
  return NGX_ERROR;
}

void ExitProcess(ngx_cycle_t *cycle) {
  // The thread pools have already been drained and joined (the core
  // thread_pool module exits first), so no task still uses the store.
  if (g_worker == nullptr) return;
  if (g_worker->pool_wait_timer.timer_set) ngx_del_timer(&g_worker->pool_wait_timer);
  for (auto &job : g_worker->jobs) {
    if (job->timer.timer_set) ngx_del_timer(&job->timer);
  }
  delete g_worker;
  g_worker = nullptr;
}

// ---------------------------------------------------------------------------
// Request plumbing

std::string HeaderValue(const ngx_table_elt_t *h) {
  return h ? ToString(h->value) : std::string();
}

// Finds a request header nginx does not index in headers_in.
std::string FindHeader(ngx_http_request_t *r, const char *name) {
  const size_t len = ngx_strlen(name);
  ngx_list_part_t *part = &r->headers_in.headers.part;
  auto *h = static_cast<ngx_table_elt_t *>(part->elts);
  for (ngx_uint_t i = 0;; ++i) {
    if (i >= part->nelts) {
      if (part->next == nullptr) break;
      part = part->next;
      h = static_cast<ngx_table_elt_t *>(part->elts);
      i = 0;
    }
    if (h[i].key.len == len &&
        ngx_strncasecmp(h[i].key.data,
                        reinterpret_cast<u_char *>(const_cast<char *>(name)), len) == 0) {
      return ToString(h[i].value);
    }
  }
  return {};
}

// The request body as one string, from memory buffers or nginx's temp file.
ngx_int_t ReadBody(ngx_http_request_t *r, std::string *out) {
  if (r->request_body == nullptr) return NGX_OK;
  for (ngx_chain_t *cl = r->request_body->bufs; cl; cl = cl->next) {
    ngx_buf_t *b = cl->buf;
    if (ngx_buf_in_memory(b)) {
      out->append(reinterpret_cast<char *>(b->pos),
                  static_cast<size_t>(b->last - b->pos));
    } else if (b->in_file) {
      const size_t size = static_cast<size_t>(b->file_last - b->file_pos);
      const size_t at = out->size();
      out->resize(at + size);
      const ssize_t n = ngx_read_file(b->file, reinterpret_cast<u_char *>(&(*out)[at]),
                                      size, b->file_pos);
      if (n != static_cast<ssize_t>(size)) return NGX_ERROR;
    }
  }
  return NGX_OK;
}

// The URI below the location's prefix ("identify" for /v1/identify in
// location /v1/); the whole URI for regex locations.
std::string_view LocationPath(ngx_http_request_t *r) {
  auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
      ngx_http_get_module_loc_conf(r, ngx_http_core_module));
  std::string_view uri(reinterpret_cast<const char *>(r->uri.data), r->uri.len);
  const std::string_view name(reinterpret_cast<const char *>(clcf->name.data),
                              clcf->name.len);
#if (NGX_PCRE)
  if (clcf->regex != nullptr) return uri;
#endif
  if (uri.substr(0, name.size()) == name) uri.remove_prefix(name.size());
  return uri;
}

callexa::HttpRequest ToCoreRequest(ngx_http_request_t *r, std::string body) {
  callexa::HttpRequest req;
  req.method = ToString(r->method_name);
  req.path = std::string(LocationPath(r));
  req.query = ToString(r->args);
  req.authorization = HeaderValue(r->headers_in.authorization);
  req.content_type = HeaderValue(r->headers_in.content_type);
  req.host = HeaderValue(r->headers_in.host);
  req.if_none_match = HeaderValue(r->headers_in.if_none_match);
  req.content_encoding = FindHeader(r, "Content-Encoding");
  req.origin = FindHeader(r, "Origin");
  req.sec_fetch_site = FindHeader(r, "Sec-Fetch-Site");
  req.body = std::move(body);
  return req;
}

// Copies `s` into the request's pool.
bool PoolString(ngx_http_request_t *r, const std::string &s, ngx_str_t *out) {
  out->len = s.size();
  out->data = static_cast<u_char *>(ngx_pnalloc(r->pool, s.size() + 1));
  if (out->data == nullptr) return false;
  ngx_memcpy(out->data, s.data(), s.size());
  out->data[s.size()] = '\0';
  return true;
}

ngx_int_t AddHeader(ngx_http_request_t *r, const std::string &name,
                    const std::string &value) {
  auto *h = static_cast<ngx_table_elt_t *>(ngx_list_push(&r->headers_out.headers));
  if (h == nullptr) return NGX_ERROR;
  h->hash = 1;
  if (!PoolString(r, name, &h->key) || !PoolString(r, value, &h->value)) return NGX_ERROR;
  if (name == "Location") r->headers_out.location = h;
  return NGX_OK;
}

ngx_int_t SendResponse(ngx_http_request_t *r, const callexa::HttpResponse &resp) {
  const std::string_view body = resp.payload();
  r->headers_out.status = static_cast<ngx_uint_t>(resp.status);
  r->headers_out.content_length_n = static_cast<off_t>(body.size());
  if (!PoolString(r, resp.content_type, &r->headers_out.content_type)) return NGX_ERROR;
  r->headers_out.content_type_len = resp.content_type.size();
  if (AddHeader(r, "Cache-Control", std::string(callexa::CacheControlOf(resp.cache))) !=
      NGX_OK) {
    return NGX_ERROR;
  }
  for (const auto &[name, value] : resp.headers) {
    if (AddHeader(r, name, value) != NGX_OK) return NGX_ERROR;
  }

  if (body.empty()) r->header_only = 1;
  ngx_int_t rc = ngx_http_send_header(r);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;

  ngx_buf_t *b = static_cast<ngx_buf_t *>(ngx_calloc_buf(r->pool));
  if (b == nullptr) return NGX_ERROR;
  if (resp.static_body.data() != nullptr) {
    // Lives as long as the module: nginx may send it straight from there.
    b->pos = reinterpret_cast<u_char *>(const_cast<char *>(body.data()));
    b->memory = 1;
  } else {
    b->pos = static_cast<u_char *>(ngx_pnalloc(r->pool, body.size()));
    if (b->pos == nullptr) return NGX_ERROR;
    ngx_memcpy(b->pos, body.data(), body.size());
    b->temporary = 1;
  }
  b->start = b->pos;
  b->last = b->end = b->pos + body.size();
  b->last_buf = (r == r->main) ? 1 : 0;
  b->last_in_chain = 1;
  ngx_chain_t out = {b, nullptr};
  return ngx_http_output_filter(r, &out);
}

void Finish(ngx_http_request_t *r, const callexa::HttpResponse &resp) {
  ngx_http_finalize_request(r, SendResponse(r, resp));
}

// ---------------------------------------------------------------------------
// Requests waiting on the thread pool

constexpr ngx_msec_t kPoolWaitTimerMs = 60 * 1000;

void PoolWaitBegin(CallexaWorker *w) {
  if (w->requests_on_pool++ == 0) ngx_add_timer(&w->pool_wait_timer, kPoolWaitTimerMs);
}

void PoolWaitEnd(CallexaWorker *w) {
  if (--w->requests_on_pool == 0 && w->pool_wait_timer.timer_set) {
    ngx_del_timer(&w->pool_wait_timer);
  }
}

void PoolWaitTimerFired(ngx_event_t *ev) {
  // A pool task is slow (a locked database): keep waiting for it.
  if (g_worker != nullptr && g_worker->requests_on_pool > 0) {
    ngx_add_timer(ev, kPoolWaitTimerMs);
  }
}

// ---------------------------------------------------------------------------
// Ingestion: group commit through the thread pool

void StartCommit(CallexaWorker *w);

void IngestTaskRun(void *data, ngx_log_t *log) {
  CallexaWorker *w = g_worker;
  try {
    std::vector<callexa::IngestJob *> jobs;
    jobs.reserve(w->in_flight.size());
    for (PendingIngest &p : w->in_flight) jobs.push_back(&p.job);
    w->store->ApplyIngest(jobs, w->batch_time);
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: ingest commit failed: %s", e.what());
    for (PendingIngest &p : w->in_flight) {
      p.job.status = callexa::Status::Unavailable("events not stored, try again");
    }
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: ingest commit failed");
    for (PendingIngest &p : w->in_flight) {
      p.job.status = callexa::Status::Unavailable("events not stored, try again");
    }
  }
}

void AnswerInFlight(CallexaWorker *w) {
  std::vector<PendingIngest> done;
  done.swap(w->in_flight);
  w->commit_running = false;
  for (PendingIngest &p : done) {
    p.request->main->blocked--;
    PoolWaitEnd(w);
    Finish(p.request, callexa::IngestJobResponse(p.job));
  }
}

void IngestTaskDone(ngx_event_t *ev) {
  CallexaWorker *w = g_worker;
  try {
    AnswerInFlight(w);
    if (!w->waiting.empty()) StartCommit(w);
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, ev->log, 0, "callexa: ingest completion failed: %s",
                  e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, ev->log, 0, "callexa: ingest completion failed");
  }
}

void StartCommit(CallexaWorker *w) {
  w->in_flight.swap(w->waiting);
  w->commit_running = true;
  w->batch_time = ngx_time();
  if (ngx_thread_task_post(w->pool, w->ingest_task) != NGX_OK) {
    for (PendingIngest &p : w->in_flight) {
      p.job.status = callexa::Status::Unavailable("server busy, events not stored");
    }
    AnswerInFlight(w);
  }
}

void EnqueueIngest(ngx_http_request_t *r, callexa::IngestJob job) {
  CallexaWorker *w = g_worker;
  w->waiting.push_back(PendingIngest{r, std::move(job)});
  r->main->blocked++;
  PoolWaitBegin(w);
  if (!w->commit_running) StartCommit(w);
}

// ---------------------------------------------------------------------------
// Admin, survey pages and metrics: one pool task per request

void BlockingTaskRun(void *data, ngx_log_t *log) {
  BlockingCall *call = static_cast<BlockingTaskCtx *>(data)->call;
  try {
    switch (call->handler) {
      case kHandlerSurvey:
        call->out = g_worker->survey->Handle(call->in, call->now);
        break;
      case kHandlerMetrics:
        call->out = callexa::HandleMetrics(g_worker->store.get(), call->in.method);
        break;
      default:
        call->out = g_worker->admin->Handle(call->in, call->now);
    }
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: request failed: %s", e.what());
    call->out = callexa::JsonError(callexa::Status::IOError("internal error"));
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: request failed");
    call->out = callexa::JsonError(callexa::Status::IOError("internal error"));
  }
}

void BlockingTaskDone(ngx_event_t *ev) {
  BlockingCall *call = static_cast<BlockingCall *>(ev->data);
  ngx_http_request_t *r = call->request;
  try {
    r->main->blocked--;
    PoolWaitEnd(g_worker);
    Finish(r, call->out);
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, ev->log, 0, "callexa: request completion failed");
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  }
  delete call;
}

void PostBlocking(ngx_http_request_t *r, ngx_uint_t handler, callexa::HttpRequest in) {
  auto call = std::make_unique<BlockingCall>();
  call->request = r;
  call->handler = handler;
  call->in = std::move(in);
  call->now = ngx_time();
  ngx_thread_task_t *task = ngx_thread_task_alloc(r->pool, sizeof(BlockingTaskCtx));
  if (task == nullptr) {
    Finish(r, callexa::JsonError(callexa::Status::Unavailable("out of memory")));
    return;
  }
  static_cast<BlockingTaskCtx *>(task->ctx)->call = call.get();
  task->handler = BlockingTaskRun;
  task->event.data = call.get();
  task->event.handler = BlockingTaskDone;
  task->event.log = r->connection->log;
  if (ngx_thread_task_post(g_worker->pool, task) != NGX_OK) {
    Finish(r, callexa::JsonError(callexa::Status::Unavailable("server busy, try again")));
    return;
  }
  r->main->blocked++;
  PoolWaitBegin(g_worker);
  call.release();
}

// True when nginx itself authenticated this request: auth_basic accepted a
// user, auth_request approved it, or a verified client certificate came.
bool AccessControlled(ngx_http_request_t *r) {
  if (r->headers_in.user.len > 0 && r->headers_in.authorization != nullptr) return true;
  if (&ngx_http_auth_request_module != nullptr &&
      ngx_http_get_module_ctx(r, ngx_http_auth_request_module) != nullptr) {
    return true;
  }
#if (NGX_HTTP_SSL)
  if (r->connection->ssl != nullptr) {
    SSL *ssl = r->connection->ssl->connection;
    X509 *cert = SSL_get_peer_certificate(ssl);
    if (cert != nullptr) {
      X509_free(cert);
      if (SSL_get_verify_result(ssl) == X509_V_OK) return true;
    }
  }
#endif
  return false;
}

// ---------------------------------------------------------------------------
// Content handler

callexa::IngestEndpoint EndpointOf(ngx_uint_t handler) {
  return handler == kHandlerDestination ? callexa::IngestEndpoint::kDestination
                                        : callexa::IngestEndpoint::kTrackingApi;
}

void BodyReady(ngx_http_request_t *r) {
  try {
    auto *lcf = static_cast<CallexaLocConf *>(
        ngx_http_get_module_loc_conf(r, ngx_http_callexa_module));
    std::string body;
    if (ReadBody(r, &body) != NGX_OK) {
      Finish(r, callexa::JsonError(callexa::Status::IOError("cannot read request body")));
      return;
    }
    callexa::HttpRequest req = ToCoreRequest(r, std::move(body));
    if (lcf->handler == kHandlerAdmin || lcf->handler == kHandlerSurvey ||
        lcf->handler == kHandlerMetrics) {
      PostBlocking(r, lcf->handler, std::move(req));
      return;
    }
    auto job = callexa::ParseIngestRequest(req, EndpointOf(lcf->handler));
    if (!job.ok()) {
      Finish(r, callexa::JsonError(job.status()));
      return;
    }
    EnqueueIngest(r, std::move(job.value()));
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0, "callexa: request failed: %s",
                  e.what());
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0, "callexa: request failed");
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
  }
}

// Answers without reading the body (which nginx then discards).
ngx_int_t Refuse(ngx_http_request_t *r, const callexa::Status &status) {
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  return SendResponse(r, callexa::JsonError(status));
}

ngx_int_t ContentHandler(ngx_http_request_t *r) {
  try {
    auto *lcf = static_cast<CallexaLocConf *>(
        ngx_http_get_module_loc_conf(r, ngx_http_callexa_module));
    if (g_worker == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (g_worker->store == nullptr) {
      // The details (paths, errno) are in the error log, not for clients.
      return Refuse(r, callexa::Status::Unavailable(
                           "database unavailable; the events were not stored"));
    }
    size_t limit = 1024 * 1024;
    if (lcf->handler == kHandlerAdmin) {
      if (!AccessControlled(r)) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "callexa: admin location has no access control; configure "
                      "auth_basic, auth_request or ssl_verify_client");
        return Refuse(r, callexa::Status::Forbidden(
                             "admin refused: this location has no access control"));
      }
    } else if (lcf->handler == kHandlerSurvey) {
      limit = 64 * 1024;  // a filled-in survey form
    } else if (lcf->handler == kHandlerMetrics) {
      // Counts only, no personal data, so no access check here: like
      // stub_status, operators restrict the location (allow/deny). GET and
      // HEAD have no body; HandleMetrics answers 405 to other methods.
      limit = 0;
    } else {
      limit = callexa::MaxIngestBodyBytes(EndpointOf(lcf->handler), LocationPath(r));
    }
    if (r->headers_in.content_length_n > static_cast<off_t>(limit)) {
      return Refuse(r, callexa::Status::TooLarge("request body exceeds " +
                                                 std::to_string(limit / 1024) + " KB"));
    }
    r->request_body_in_single_buf = 1;
    ngx_int_t rc = ngx_http_read_client_request_body(r, BodyReady);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) return rc;
    return NGX_DONE;
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0, "callexa: request failed: %s",
                  e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0, "callexa: request failed");
  }
  return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace

ngx_module_t ngx_http_callexa_module = {
    NGX_MODULE_V1,
    &kModuleCtx,      // module context
    kCommands,        // module directives
    NGX_HTTP_MODULE,  // module type
    nullptr,          // init master
    nullptr,          // init module
    InitProcess,      // init process
    nullptr,          // init thread
    nullptr,          // exit thread
    ExitProcess,      // exit process
    nullptr,          // exit master
    NGX_MODULE_V1_PADDING,
};
