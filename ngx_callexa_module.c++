// nginx glue of Callexa: directives, process hooks, the content handler,
// thread-pool tasks and timers. It maps nginx's configuration to a
// callexa::ServiceConfig once, builds a callexa::Service per worker, turns
// each request into a callexa::HttpRequest for the endpoint its location
// names (http/endpoint_table.h), runs blocking work on an nginx thread
// pool and writes the answer back on the event loop. No business rule
// lives here.
//
// Every function nginx calls goes through Guarded: an exception escaping
// into nginx's C frames would kill the worker.

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>
}

#include <malloc.h>
#include <time.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "admin/admin_roles.h"
#include "common/curl_global.h"
#include "common/log_limiter.h"
#include "http/endpoint.h"
#include "http/endpoint_table.h"
#include "http/http_exchange.h"
#include "metrics/shared_counters.h"
#include "service/service.h"
#include "service/service_config.h"

#if !(NGX_THREADS)
#error ngx_http_callexa_module requires nginx built --with-threads
#endif

#if (nginx_version < 1021000)
#error ngx_http_callexa_module needs nginx 1.21 or later (the auth_basic layout)
#endif

extern "C" ngx_module_t ngx_http_callexa_module;
// Present when nginx has these modules; weak so the module loads without.
extern "C" ngx_module_t ngx_http_auth_basic_module __attribute__((weak));
extern "C" ngx_module_t ngx_http_auth_request_module __attribute__((weak));

namespace {

using callexa::CommitEndpoint;
using callexa::Endpoint;
using callexa::EndpointSpec;
using callexa::HttpRequest;
using callexa::HttpResponse;
using callexa::Lane;
using callexa::Status;

struct CallexaMainConf {
  ngx_str_t database;
  ngx_str_t thread_pool_name;
  ngx_str_t reports_thread_pool_name;
  ngx_str_t jobs_thread_pool_name;
  ngx_str_t public_url;
  ngx_str_t mail_from;
  ngx_str_t smtp;
  ngx_str_t smtp_credentials;
  ngx_flag_t smtp_starttls;
  ngx_flag_t webhook_private_networks;
  ngx_str_t mail_dir;
  ngx_msec_t scheduler_interval;
  ngx_msec_t smtp_timeout;
  ngx_str_t segment_api;
  ngx_msec_t sync_interval;
  ngx_msec_t alert_quiet_period;
  // callexa_dkim DOMAIN SELECTOR KEYFILE [ED25519_KEYFILE]
  ngx_str_t dkim_domain, dkim_selector, dkim_key, dkim_ed25519_key;

  ngx_flag_t used;  // some location has a callexa handler
  // The locations of handlers only nginx-authenticated requests may reach
  // (GuardedLocation), checked once every location is merged.
  ngx_array_t guarded_locations;
  // The first prefix location of each kEndpointTable row.
  ngx_str_t endpoint_paths[callexa::kEndpointCount];
  // Commits and short requests; long reads (reports, exports); periodic
  // jobs, which hold a thread for seconds (SMTP, Segment). Apart, so that
  // none of them delays the others.
  ngx_thread_pool_t *requests_pool;
  ngx_thread_pool_t *reports_pool;
  ngx_thread_pool_t *jobs_pool;
  // Built once by InitMainConf, in the configuration's pool.
  callexa::ServiceConfig *service_config;
  // Counters every worker adds to (callexa::SharedCounters); kept across
  // reloads.
  ngx_shm_zone_t *counters_zone;
};

struct CallexaLocConf {
  // The kEndpointTable row of this location; NGX_CONF_UNSET_PTR until set.
  const void *endpoint;
  // callexa_admin_user and callexa_admin_role (http, server or location):
  // who an admin request comes from and as which role; null when unset.
  ngx_http_complex_value_t *admin_user;
  ngx_http_complex_value_t *admin_role;
};

// A location whose handler needs nginx's access control, and where the
// configuration names it, for `nginx -t` to point at.
struct GuardedLocation {
  ngx_http_conf_ctx_t *ctx;  // the location's configurations, merged in place
  ngx_str_t name;
  ngx_str_t file;
  ngx_uint_t line;
  const char *directive;
};

// ---------------------------------------------------------------------------
// Exception firewall and small conversions

// Runs `fn`, which nginx called through us; an exception is logged and
// turned into `on_error`.
template <typename R, typename Fn>
R Guarded(ngx_log_t *log, const char *what, R on_error, Fn &&fn) noexcept {
  try {
    return fn();
  } catch (const std::exception &e) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: %s failed: %s", what, e.what());
  } catch (...) {
    ngx_log_error(NGX_LOG_ALERT, log, 0, "callexa: %s failed", what);
  }
  return on_error;
}

template <typename Fn>
void GuardedVoid(ngx_log_t *log, const char *what, Fn &&fn) noexcept {
  Guarded(log, what, 0, [&] {
    fn();
    return 0;
  });
}

// What a request answers when the core threw: the same everywhere.
HttpResponse InternalError(const char *what) {
  return callexa::JsonError(Status::IOError("internal error", what));
}

std::string ToString(const ngx_str_t &s) {
  return std::string(reinterpret_cast<const char *>(s.data), s.len);
}

ngx_uint_t NgxLevel(callexa::LogLevel level) {
  switch (level) {
    case callexa::LogLevel::kCrit:
      return NGX_LOG_CRIT;
    case callexa::LogLevel::kError:
      return NGX_LOG_ERR;
    case callexa::LogLevel::kWarn:
      return NGX_LOG_WARN;
    case callexa::LogLevel::kNotice:
      return NGX_LOG_NOTICE;
    case callexa::LogLevel::kInfo:
      break;
  }
  return NGX_LOG_INFO;
}

void WriteLog(ngx_log_t *log, const std::vector<callexa::LogLine> &lines) {
  for (const callexa::LogLine &line : lines) {
    ngx_log_error(NgxLevel(line.level), log, 0, "%s", line.text.c_str());
  }
}

// A C++ object in an nginx pool, destroyed when the pool is (nginx-otel's
// idiom): the lifetime of the request, or of the cycle.
template <typename T>
T *PoolNew(ngx_pool_t *pool) {
  ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(pool, sizeof(T));
  if (cln == nullptr) return nullptr;
  T *object = new (cln->data) T();
  cln->handler = [](void *data) { static_cast<T *>(data)->~T(); };
  return object;
}

// ---------------------------------------------------------------------------
// Directives and module

ngx_int_t PostConfiguration(ngx_conf_t *cf);
void *CreateMainConf(ngx_conf_t *cf);
char *InitMainConf(ngx_conf_t *cf, void *conf);
void *CreateLocConf(ngx_conf_t *cf);
char *MergeLocConf(ngx_conf_t *cf, void *parent, void *child);
char *SetEndpoint(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *SetDkim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t InitProcess(ngx_cycle_t *cycle);
void ExitProcess(ngx_cycle_t *cycle);
ngx_int_t ContentHandler(ngx_http_request_t *r);

#define CALLEXA_MAIN_STR(name, field)                                             \
  {                                                                               \
    ngx_string(name), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_str_slot, \
        NGX_HTTP_MAIN_CONF_OFFSET, offsetof(CallexaMainConf, field), nullptr      \
  }
#define CALLEXA_MAIN_MSEC(name, field)                                             \
  {                                                                                \
    ngx_string(name), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_msec_slot, \
        NGX_HTTP_MAIN_CONF_OFFSET, offsetof(CallexaMainConf, field), nullptr       \
  }

#define CALLEXA_ANY_COMPLEX(name, field)                                             \
  {                                                                                  \
    ngx_string(name),                                                                \
        NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1, \
        ngx_http_set_complex_value_slot, NGX_HTTP_LOC_CONF_OFFSET,                   \
        offsetof(CallexaLocConf, field), nullptr                                     \
  }

// The directives other than the handlers'.
const ngx_command_t kMainCommands[] = {
    CALLEXA_MAIN_STR("callexa_database", database),
    CALLEXA_MAIN_STR("callexa_thread_pool", thread_pool_name),
    CALLEXA_MAIN_STR("callexa_reports_thread_pool", reports_thread_pool_name),
    CALLEXA_MAIN_STR("callexa_jobs_thread_pool", jobs_thread_pool_name),
    CALLEXA_MAIN_STR("callexa_public_url", public_url),
    CALLEXA_MAIN_STR("callexa_mail_from", mail_from),
    CALLEXA_MAIN_STR("callexa_smtp", smtp),
    CALLEXA_MAIN_STR("callexa_smtp_credentials", smtp_credentials),
    {ngx_string("callexa_smtp_starttls"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, smtp_starttls), nullptr},
    {ngx_string("callexa_webhook_private_networks"), NGX_HTTP_MAIN_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(CallexaMainConf, webhook_private_networks), nullptr},
    CALLEXA_MAIN_STR("callexa_mail_dir", mail_dir),
    CALLEXA_MAIN_MSEC("callexa_scheduler_interval", scheduler_interval),
    CALLEXA_MAIN_MSEC("callexa_smtp_timeout", smtp_timeout),
    CALLEXA_MAIN_STR("callexa_segment_api", segment_api),
    CALLEXA_MAIN_MSEC("callexa_sync_interval", sync_interval),
    CALLEXA_MAIN_MSEC("callexa_alert_quiet_period", alert_quiet_period),
    {ngx_string("callexa_dkim"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE3 | NGX_CONF_TAKE4,
     SetDkim, NGX_HTTP_MAIN_CONF_OFFSET, 0, nullptr},
    CALLEXA_ANY_COMPLEX("callexa_admin_user", admin_user),
    CALLEXA_ANY_COMPLEX("callexa_admin_role", admin_role),
};

#undef CALLEXA_MAIN_STR
#undef CALLEXA_MAIN_MSEC
#undef CALLEXA_ANY_COMPLEX

constexpr size_t kMainCommandCount = sizeof kMainCommands / sizeof kMainCommands[0];

// kMainCommands, then one location directive per row of the core's
// endpoint table, then the terminator (zeroed, as ngx_null_command).
// Filled by EndpointDirectives when the module is loaded, before nginx
// reads it.
ngx_command_t kCommands[kMainCommandCount + callexa::kEndpointCount + 1];

struct EndpointDirectives {
  EndpointDirectives() {
    for (size_t i = 0; i < kMainCommandCount; ++i) kCommands[i] = kMainCommands[i];
    for (size_t i = 0; i < callexa::kEndpointCount; ++i) {
      const EndpointSpec &spec = callexa::kEndpointTable[i];
      ngx_command_t &cmd = kCommands[kMainCommandCount + i];
      cmd.name.len = std::strlen(spec.directive);
      cmd.name.data = reinterpret_cast<u_char *>(const_cast<char *>(spec.directive));
      cmd.type = NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS;
      cmd.set = SetEndpoint;
      cmd.conf = NGX_HTTP_LOC_CONF_OFFSET;
      cmd.offset = 0;
      cmd.post = const_cast<EndpointSpec *>(&spec);
    }
  }
} g_endpoint_directives;

ngx_http_module_t kModuleCtx = {
    nullptr,            // preconfiguration
    PostConfiguration,  // postconfiguration
    CreateMainConf,     // create main configuration
    InitMainConf,       // init main configuration
    nullptr,            // create server configuration
    nullptr,            // merge server configuration
    CreateLocConf,      // create location configuration
    MergeLocConf,       // merge location configuration
};

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

namespace {

// ---------------------------------------------------------------------------
// Configuration

void *CreateMainConf(ngx_conf_t *cf) {
  auto *mcf =
      static_cast<CallexaMainConf *>(ngx_pcalloc(cf->pool, sizeof(CallexaMainConf)));
  if (mcf == nullptr) return nullptr;
  if (ngx_array_init(&mcf->guarded_locations, cf->pool, 4, sizeof(GuardedLocation)) !=
      NGX_OK) {
    return nullptr;
  }
  mcf->smtp_starttls = NGX_CONF_UNSET;
  mcf->webhook_private_networks = NGX_CONF_UNSET;
  mcf->scheduler_interval = NGX_CONF_UNSET_MSEC;
  mcf->smtp_timeout = NGX_CONF_UNSET_MSEC;
  mcf->sync_interval = NGX_CONF_UNSET_MSEC;
  mcf->alert_quiet_period = NGX_CONF_UNSET_MSEC;
  return mcf;
}

// `value` made absolute against the nginx prefix (the configuration's
// folder with `conf_prefix`); `fallback` when unset.
bool FullPath(ngx_conf_t *cf, ngx_str_t *value, const std::string &fallback,
              ngx_uint_t conf_prefix, std::string *out) {
  if (value->len == 0) {
    if (fallback.empty()) return true;
    value->len = fallback.size();
    value->data = static_cast<u_char *>(ngx_pnalloc(cf->pool, fallback.size()));
    if (value->data == nullptr) return false;
    ngx_memcpy(value->data, fallback.data(), fallback.size());
  }
  if (ngx_conf_full_name(cf->cycle, value, conf_prefix) != NGX_OK) return false;
  *out = ToString(*value);
  return true;
}

ngx_thread_pool_t *AddPool(ngx_conf_t *cf, ngx_str_t *name) {
  if (name->len == 0) {
    ngx_str_set(name, "default");
  }
  return ngx_thread_pool_add(cf, name);
}

char *BuildServiceConfig(ngx_conf_t *cf, CallexaMainConf *mcf) {
  callexa::ServiceConfig *config = PoolNew<callexa::ServiceConfig>(cf->pool);
  if (config == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
  const callexa::ServiceConfig defaults;
  // A PostgreSQL connection string is kept as written (CheckServiceConfig
  // checks its form; only the workers connect); a SQLite file is found
  // like any path.
  const std::string database = ToString(mcf->database);
  if (callexa::DatabaseIsServer(database)) {
    config->database_path = database;
  } else if (!FullPath(cf, &mcf->database, defaults.database_path, 0,
                       &config->database_path)) {
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  // Credentials and DKIM keys are found like auth_basic_user_file: beside
  // nginx.conf. The keys are loaded here, in the master (CheckServiceConfig).
  if (!FullPath(cf, &mcf->mail_dir, defaults.mail_dir, 0, &config->mail_dir) ||
      !FullPath(cf, &mcf->smtp_credentials, "", 1, &config->smtp_credentials_file) ||
      !FullPath(cf, &mcf->dkim_key, "", 1, &config->dkim.key_file) ||
      !FullPath(cf, &mcf->dkim_ed25519_key, "", 1, &config->dkim.ed25519_key_file)) {
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  config->dkim.domain = ToString(mcf->dkim_domain);
  config->dkim.selector = ToString(mcf->dkim_selector);
  config->public_url = ToString(mcf->public_url);
  config->mail_from = ToString(mcf->mail_from);
  config->smtp_url = ToString(mcf->smtp);
  if (mcf->segment_api.len > 0) config->segment_api = ToString(mcf->segment_api);
  ngx_conf_init_value(mcf->smtp_starttls, 1);
  ngx_conf_init_value(mcf->webhook_private_networks, 0);
  ngx_conf_init_msec_value(mcf->scheduler_interval, defaults.scheduler_interval_ms);
  ngx_conf_init_msec_value(mcf->smtp_timeout, defaults.smtp_timeout_ms);
  ngx_conf_init_msec_value(mcf->sync_interval, defaults.sync_interval_ms);
  ngx_conf_init_msec_value(mcf->alert_quiet_period, defaults.alert_quiet_period_ms);
  config->smtp_starttls = mcf->smtp_starttls != 0;
  config->webhook_private_networks = mcf->webhook_private_networks != 0;
  config->scheduler_interval_ms = mcf->scheduler_interval;
  config->smtp_timeout_ms = mcf->smtp_timeout;
  config->sync_interval_ms = mcf->sync_interval;
  config->alert_quiet_period_ms = mcf->alert_quiet_period;
  for (size_t i = 0; i < callexa::kEndpointCount; ++i) {
    config->endpoint_paths[i] = ToString(mcf->endpoint_paths[i]);
  }
  const Status s = callexa::CheckServiceConfig(config);
  if (!s.ok()) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", s.message().c_str());
    return static_cast<char *>(NGX_CONF_ERROR);
  }
  mcf->service_config = config;
  return NGX_CONF_OK;
}

// A reload keeps the zone of the same size: the counters go on.
ngx_int_t InitCountersZone(ngx_shm_zone_t *zone, void *old_data) {
  if (old_data != nullptr) {
    zone->data = old_data;
    return NGX_OK;
  }
  auto *slab = reinterpret_cast<ngx_slab_pool_t *>(zone->shm.addr);
  void *memory = ngx_slab_alloc(slab, sizeof(callexa::SharedCounters));
  if (memory == nullptr) return NGX_ERROR;
  auto *counters = new (memory) callexa::SharedCounters;
  callexa::ResetCounters(counters);
  zone->data = counters;
  return NGX_OK;
}

ngx_int_t AddCountersZone(ngx_conf_t *cf, CallexaMainConf *mcf) {
  static ngx_str_t name = ngx_string("callexa_counters");
  mcf->counters_zone =
      ngx_shared_memory_add(cf, &name, 64 * 1024, &ngx_http_callexa_module);
  if (mcf->counters_zone == nullptr) return NGX_ERROR;
  mcf->counters_zone->init = InitCountersZone;
  return NGX_OK;
}

char *InitMainConf(ngx_conf_t *cf, void *conf) {
  return Guarded(cf->log, "configuration", static_cast<char *>(NGX_CONF_ERROR), [&] {
    auto *mcf = static_cast<CallexaMainConf *>(conf);
    if (BuildServiceConfig(cf, mcf) != NGX_CONF_OK) {
      return static_cast<char *>(NGX_CONF_ERROR);
    }
    mcf->requests_pool = AddPool(cf, &mcf->thread_pool_name);
    mcf->reports_pool = AddPool(cf, &mcf->reports_thread_pool_name);
    mcf->jobs_pool = AddPool(cf, &mcf->jobs_thread_pool_name);
    if (mcf->requests_pool == nullptr || mcf->reports_pool == nullptr ||
        mcf->jobs_pool == nullptr) {
      return static_cast<char *>(NGX_CONF_ERROR);
    }
    if (mcf->used && AddCountersZone(cf, mcf) != NGX_OK) {
      return static_cast<char *>(NGX_CONF_ERROR);
    }
    return static_cast<char *>(NGX_CONF_OK);
  });
}

void *CreateLocConf(ngx_conf_t *cf) {
  auto *lcf =
      static_cast<CallexaLocConf *>(ngx_pcalloc(cf->pool, sizeof(CallexaLocConf)));
  if (lcf == nullptr) return nullptr;
  lcf->endpoint = NGX_CONF_UNSET_PTR;
  lcf->admin_user = static_cast<ngx_http_complex_value_t *>(NGX_CONF_UNSET_PTR);
  lcf->admin_role = static_cast<ngx_http_complex_value_t *>(NGX_CONF_UNSET_PTR);
  return lcf;
}

char *MergeLocConf(ngx_conf_t *, void *parent, void *child) {
  auto *prev = static_cast<CallexaLocConf *>(parent);
  auto *conf = static_cast<CallexaLocConf *>(child);
  if (conf->endpoint == NGX_CONF_UNSET_PTR) {
    conf->endpoint = prev->endpoint == NGX_CONF_UNSET_PTR ? nullptr : prev->endpoint;
  }
  ngx_conf_merge_ptr_value(conf->admin_user, prev->admin_user, nullptr);
  ngx_conf_merge_ptr_value(conf->admin_role, prev->admin_role, nullptr);
  return NGX_CONF_OK;
}

char *SetEndpoint(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  auto *lcf = static_cast<CallexaLocConf *>(conf);
  if (lcf->endpoint != NGX_CONF_UNSET_PTR) return const_cast<char *>("is duplicate");
  lcf->endpoint = cmd->post;
  auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
      ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
  clcf->handler = ContentHandler;
  auto *mcf = static_cast<CallexaMainConf *>(
      ngx_http_conf_get_module_main_conf(cf, ngx_http_callexa_module));
  mcf->used = 1;
  const size_t row = static_cast<size_t>(static_cast<const EndpointSpec *>(cmd->post) -
                                         callexa::kEndpointTable);
#if (NGX_PCRE)
  const bool prefix = clcf->regex == nullptr;
#else
  const bool prefix = true;
#endif
  if (prefix && mcf->endpoint_paths[row].len == 0) mcf->endpoint_paths[row] = clcf->name;
  if (static_cast<const EndpointSpec *>(cmd->post)->access ==
      callexa::Access::kAuthenticated) {
    auto *g = static_cast<GuardedLocation *>(ngx_array_push(&mcf->guarded_locations));
    if (g == nullptr) return static_cast<char *>(NGX_CONF_ERROR);
    g->ctx = static_cast<ngx_http_conf_ctx_t *>(cf->ctx);
    g->name = clcf->name;
    g->file = cf->conf_file->file.name;
    g->line = cf->conf_file->line;
    g->directive = static_cast<const EndpointSpec *>(cmd->post)->directive;
  }
  return NGX_CONF_OK;
}

// callexa_dkim: the arguments as written; BuildServiceConfig checks them
// and loads the keys.
char *SetDkim(ngx_conf_t *cf, ngx_command_t *, void *conf) {
  auto *mcf = static_cast<CallexaMainConf *>(conf);
  if (mcf->dkim_domain.len > 0) return const_cast<char *>("is duplicate");
  const auto *value = static_cast<ngx_str_t *>(cf->args->elts);
  for (ngx_uint_t i = 1; i < cf->args->nelts; ++i) {
    if (value[i].len == 0) return const_cast<char *>("has an empty argument");
  }
  mcf->dkim_domain = value[1];
  mcf->dkim_selector = value[2];
  mcf->dkim_key = value[3];
  if (cf->args->nelts == 5) mcf->dkim_ed25519_key = value[4];
  return NGX_CONF_OK;
}

// ---------------------------------------------------------------------------
// Access control: what nginx itself enforces in a location before its
// content handler runs, read from the auth modules' configuration (never
// from request headers: nginx parses an Authorization header into
// $remote_user whenever anything reads the variable, password or not).

// The location configurations of auth_basic and auth_request, which those
// modules keep private; laid out so since nginx 1.21.
struct AuthBasicLocConf {
  ngx_http_complex_value_t *realm;  // "off" (also from a variable) disables it
  ngx_http_complex_value_t *user_file;
};
struct AuthRequestLocConf {
  ngx_str_t uri;  // empty: off
  ngx_array_t *vars;
};

// What guards a location, from its server's and its own configuration.
struct LocationGuard {
  // auth_basic with a user file; its realm, which may still say "off".
  ngx_http_complex_value_t *basic_realm = nullptr;
  bool auth_request = false;
  bool client_certificate = false;  // ssl_verify_client on or optional
};

bool IsOff(const ngx_str_t &value) {
  return value.len == 3 && ngx_strncmp(value.data, "off", 3) == 0;
}

LocationGuard GuardOf(void **srv_conf, void **loc_conf) {
  LocationGuard g;
  if (&ngx_http_auth_basic_module != nullptr) {
    const auto *basic = static_cast<const AuthBasicLocConf *>(
        loc_conf[ngx_http_auth_basic_module.ctx_index]);
    if (basic->realm != nullptr && basic->user_file != nullptr)
      g.basic_realm = basic->realm;
  }
  if (&ngx_http_auth_request_module != nullptr) {
    const auto *request = static_cast<const AuthRequestLocConf *>(
        loc_conf[ngx_http_auth_request_module.ctx_index]);
    g.auth_request = request->uri.len > 0;
  }
#if (NGX_HTTP_SSL)
  const auto *ssl = static_cast<const ngx_http_ssl_srv_conf_t *>(
      srv_conf[ngx_http_ssl_module.ctx_index]);
  g.client_certificate = ssl->verify == 1 || ssl->verify == 2;
#else
  (void)srv_conf;
#endif
  return g;
}

// At configuration time: could any request reach the handler without one
// of them? A realm from a variable is decided per request.
bool MayAuthenticate(const LocationGuard &g) {
  const bool basic = g.basic_realm != nullptr &&
                     !(g.basic_realm->lengths == nullptr && IsOff(g.basic_realm->value));
  return basic || g.auth_request || g.client_certificate;
}

bool VerifiedClientCertificate(ngx_http_request_t *r) {
#if (NGX_HTTP_SSL)
  if (r->connection->ssl == nullptr) return false;  // e.g. a plain-HTTP listen
  SSL *ssl = r->connection->ssl->connection;
  X509 *cert = SSL_get_peer_certificate(ssl);
  if (cert == nullptr) return false;
  X509_free(cert);
  return SSL_get_verify_result(ssl) == X509_V_OK;
#else
  (void)r;
  return false;
#endif
}

// True when nginx's access phase vouched for this request: auth_basic or
// auth_request checked it (alone, or with allow/deny under `satisfy any`,
// as the operator chose), or it came with a verified client certificate.
// Subrequests skip the access phase, so they never qualify.
// Whether auth_basic checked this request's password.
bool BasicAuthChecked(ngx_http_request_t *r, const LocationGuard &g) {
  ngx_str_t realm;
  return g.basic_realm != nullptr &&
         ngx_http_complex_value(r, g.basic_realm, &realm) == NGX_OK && !IsOff(realm);
}

bool NginxAuthenticated(ngx_http_request_t *r) {
  if (r != r->main) return false;
  const LocationGuard g = GuardOf(r->srv_conf, r->loc_conf);
  if (BasicAuthChecked(r, g)) return true;
  return g.auth_request || (g.client_certificate && VerifiedClientCertificate(r));
}

// `nginx -t` refuses a guarded handler in a location nothing guards.
ngx_int_t CheckGuardedLocations(ngx_conf_t *cf, const CallexaMainConf *mcf) {
  const auto *locations =
      static_cast<const GuardedLocation *>(mcf->guarded_locations.elts);
  for (ngx_uint_t i = 0; i < mcf->guarded_locations.nelts; ++i) {
    const GuardedLocation &l = locations[i];
    if (MayAuthenticate(GuardOf(l.ctx->srv_conf, l.ctx->loc_conf))) continue;
    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "%s in location \"%V\" has no access control: add auth_basic with "
                  "auth_basic_user_file, auth_request, or ssl_verify_client in %V:%ui",
                  l.directive, &l.name, &l.file, l.line);
    return NGX_ERROR;
  }
  return NGX_OK;
}

ngx_http_output_header_filter_pt g_next_header_filter;
ngx_http_output_body_filter_pt g_next_body_filter;
ngx_int_t JsonErrorHeaderFilter(ngx_http_request_t *r);
ngx_int_t JsonErrorBodyFilter(ngx_http_request_t *r, ngx_chain_t *in);

ngx_int_t PostConfiguration(ngx_conf_t *cf) {
  return Guarded(cf->log, "configuration", static_cast<ngx_int_t>(NGX_ERROR), [&] {
    auto *mcf = static_cast<CallexaMainConf *>(
        ngx_http_conf_get_module_main_conf(cf, ngx_http_callexa_module));
    if (CheckGuardedLocations(cf, mcf) != NGX_OK) return NGX_ERROR;
    g_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = JsonErrorHeaderFilter;
    g_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = JsonErrorBodyFilter;
    return NGX_OK;
  });
}

// ---------------------------------------------------------------------------
// Per-worker state

bool Quitting() { return ngx_quit || ngx_terminate || ngx_exiting; }

// One request waiting for, or taking part in, a group commit.
struct PendingCommit {
  ngx_http_request_t *request;
  callexa::IngestJob job;
};

// Group commit of one CommitEndpoint: requests queue in `waiting` while one
// batch (`in_flight`) commits on a pool thread; the next batch takes
// everything that queued meanwhile.
struct GroupCommit {
  CommitEndpoint *endpoint = nullptr;
  ngx_thread_task_t *task = nullptr;
  std::vector<PendingCommit> waiting;
  std::vector<PendingCommit> in_flight;
  bool running = false;
  time_t batch_time = 0;
};

// A periodic job's timer and pool task. Each firing posts one step; the
// timer is armed again when the step is done: at once while it reports
// more work, else after the job's interval. The timer is cancelable, so a
// quitting worker does not wait for it.
struct JobTimer {
  const callexa::PeriodicJob *job = nullptr;
  ngx_event_t timer{};
  ngx_connection_t timer_conn{};  // dummy event data, for debug logging
  ngx_thread_task_t *task = nullptr;
  bool running = false;
  callexa::JobStepResult result;
};

// Created in init_process (after fork) and destroyed in exit_process, so
// SQLite never crosses fork.
struct CallexaWorker {
  std::unique_ptr<callexa::Service> service;
  ngx_thread_pool_t *requests_pool = nullptr;
  ngx_thread_pool_t *reports_pool = nullptr;
  ngx_thread_pool_t *jobs_pool = nullptr;
  ngx_log_t *log = nullptr;
  std::vector<std::unique_ptr<GroupCommit>> commits;  // one per CommitEndpoint
  std::vector<std::unique_ptr<JobTimer>> jobs;
  callexa::LogLimiter failures;                 // 5xx causes, on the event loop
  callexa::LogLimiter unknown_roles;            // callexa_admin_role values, ditto
  callexa::SharedCounters *counters = nullptr;  // in the counters zone

  // A gracefully exiting worker (reload, quit) leaves as soon as no
  // non-cancelable timer is left, and a request waiting on a pool task has
  // none: it would be dropped unanswered. This timer is armed while any
  // request waits on a pool, so the worker answers them all first.
  ngx_uint_t requests_on_pool = 0;
  ngx_event_t pool_wait_timer{};
  ngx_connection_t pool_wait_conn{};  // dummy event data, for debug logging

  // While the database cannot be opened (a missing or read-only folder),
  // the worker answers 503 and tries again on this timer, off the loop, so
  // that fixing the folder needs no restart.
  const callexa::ServiceConfig *config = nullptr;
  ngx_event_t reopen_timer{};
  ngx_connection_t reopen_conn{};
  ngx_thread_task_t *reopen_task = nullptr;
  std::unique_ptr<callexa::Service> reopened;  // the task's result
  ngx_uint_t reopen_attempts = 0;
};

CallexaWorker *g_worker = nullptr;

constexpr ngx_msec_t kPoolWaitTimerMs = 60 * 1000;

void PoolWaitBegin() {
  if (g_worker->requests_on_pool++ == 0) {
    ngx_add_timer(&g_worker->pool_wait_timer, kPoolWaitTimerMs);
  }
}

void PoolWaitEnd() {
  if (--g_worker->requests_on_pool == 0 && g_worker->pool_wait_timer.timer_set) {
    ngx_del_timer(&g_worker->pool_wait_timer);
  }
}

void PoolWaitTimerFired(ngx_event_t *ev) {
  // A pool task is slow (a locked database): keep waiting for it.
  if (g_worker != nullptr && g_worker->requests_on_pool > 0) {
    ngx_add_timer(ev, kPoolWaitTimerMs);
  }
}

// A thread task whose ctx holds `owner`, run by `run` on a pool thread and
// completed by `done` on the event loop with `owner` as the event's data.
template <typename T>
ngx_thread_task_t *NewTask(ngx_pool_t *pool, ngx_log_t *log, T *owner,
                           void (*run)(void *data, ngx_log_t *log),
                           ngx_event_handler_pt done) {
  ngx_thread_task_t *task = ngx_thread_task_alloc(pool, sizeof(T *));
  if (task == nullptr) return nullptr;
  *static_cast<T **>(task->ctx) = owner;
  task->handler = run;
  task->event.handler = done;
  task->event.data = owner;
  task->event.log = log;
  return task;
}

// A request starts waiting for a pool task: nginx must not finish it, nor
// may an exiting worker leave before it is answered.
void RequestWaits(ngx_http_request_t *r) {
  r->main->blocked++;
  PoolWaitBegin();
}

// The completion of a request's pool task: the wait ends; `answer` runs
// unless the client left meanwhile (nginx waited for the task, not for the
// client), and then the requests nginx posted meanwhile run.
template <typename Fn>
void ResumeRequest(ngx_http_request_t *r, ngx_log_t *log, const char *what, Fn &&answer) {
  ngx_connection_t *c = r->connection;
  r->main->blocked--;
  PoolWaitEnd();
  GuardedVoid(log, what, [&] {
    if (c->error) {
      ngx_http_finalize_request(r, NGX_HTTP_CLIENT_CLOSED_REQUEST);
    } else {
      answer();
    }
  });
  ngx_http_run_posted_requests(c);
}

ngx_thread_pool_t *PoolFor(Lane lane) {
  return lane == Lane::kReports ? g_worker->reports_pool : g_worker->requests_pool;
}

// ---------------------------------------------------------------------------
// Periodic jobs

// The step's log lines are written here, on the pool thread: a worker that
// is exiting never runs the completion, and an interrupted step's lines
// are the ones an operator needs.
void JobStepRun(void *data, ngx_log_t *log) {
  JobTimer *t = *static_cast<JobTimer **>(data);
  t->result = Guarded(log, t->job->name.c_str(), callexa::JobStepResult{},
                      [&] { return t->job->step(); });
  GuardedVoid(log, t->job->name.c_str(), [&] { WriteLog(log, t->result.log); });
}

void JobStepDone(ngx_event_t *ev) {
  auto *t = static_cast<JobTimer *>(ev->data);
  t->running = false;
  if (!Quitting()) {
    ngx_add_timer(&t->timer, t->result.more ? 1 : t->job->interval_ms);
  }
}

void JobTimerFired(ngx_event_t *ev) {
  auto *t = static_cast<JobTimer *>(static_cast<ngx_connection_t *>(ev->data)->data);
  if (Quitting() || t->running || g_worker == nullptr) return;
  if (ngx_thread_task_post(g_worker->jobs_pool, t->task) != NGX_OK) {
    ngx_add_timer(ev, t->job->interval_ms);
    return;
  }
  t->running = true;
}

// Runs `job` every interval from a second from now.
ngx_int_t StartJob(ngx_cycle_t *cycle, const callexa::PeriodicJob &job) {
  auto t = std::make_unique<JobTimer>();
  t->job = &job;
  t->task = NewTask(cycle->pool, cycle->log, t.get(), JobStepRun, JobStepDone);
  if (t->task == nullptr) return NGX_ERROR;
  t->timer_conn.fd = static_cast<ngx_socket_t>(-1);
  t->timer_conn.data = t.get();
  t->timer.data = &t->timer_conn;
  t->timer.handler = JobTimerFired;
  t->timer.log = cycle->log;
  t->timer.cancelable = 1;
  ngx_add_timer(&t->timer, 1000);
  g_worker->jobs.push_back(std::move(t));
  return NGX_OK;
}

// ---------------------------------------------------------------------------
// Process hooks

void GroupCommitRun(void *data, ngx_log_t *log);
void GroupCommitDone(ngx_event_t *ev);

ngx_int_t AddGroupCommits(ngx_cycle_t *cycle, CallexaWorker *w) {
  for (const EndpointSpec &spec : callexa::kEndpointTable) {
    CommitEndpoint *endpoint = w->service->commit_endpoint(spec.id);
    if (endpoint == nullptr) continue;
    auto gc = std::make_unique<GroupCommit>();
    gc->endpoint = endpoint;
    gc->task =
        NewTask(cycle->pool, cycle->log, gc.get(), GroupCommitRun, GroupCommitDone);
    if (gc->task == nullptr) return NGX_ERROR;
    w->commits.push_back(std::move(gc));
  }
  return NGX_OK;
}

// ---------------------------------------------------------------------------
// Opening the database again

constexpr ngx_msec_t kReopenIntervalMs = 5000;
// A failed attempt is logged once a minute, not every five seconds.
constexpr ngx_uint_t kReopenLogEvery = 12;

ngx_int_t StartService(ngx_cycle_t *cycle, CallexaWorker *w);

void ReopenRun(void *data, ngx_log_t *log) {
  CallexaWorker *w = *static_cast<CallexaWorker **>(data);
  GuardedVoid(log, "database reopen", [&] {
    std::vector<callexa::LogLine> lines;
    w->reopened = callexa::Service::Create(*w->config, ngx_worker == 0, Quitting,
                                           w->counters, &lines);
    if (w->reopened->health().ok() || w->reopen_attempts % kReopenLogEvery == 0) {
      WriteLog(log, lines);
    }
  });
}

void ReopenDone(ngx_event_t *ev) {
  auto *w = static_cast<CallexaWorker *>(ev->data);
  GuardedVoid(w->log, "database reopen", [&] {
    if (w->reopened != nullptr && w->reopened->health().ok() && !Quitting()) {
      // Nothing refers to the unhealthy service: it had no endpoints, so no
      // request or commit is on a pool with it.
      w->service = std::move(w->reopened);
      ngx_log_error(NGX_LOG_NOTICE, w->log, 0,
                    "callexa: the database opened after %ui attempts; serving",
                    w->reopen_attempts);
      if (StartService(const_cast<ngx_cycle_t *>(ngx_cycle), w) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, w->log, 0,
                      "callexa: could not start the jobs after reopening the database");
      }
      return;
    }
    w->reopened.reset();
    if (!Quitting()) ngx_add_timer(&w->reopen_timer, kReopenIntervalMs);
  });
}

void ReopenTimerFired(ngx_event_t *ev) {
  if (g_worker == nullptr || Quitting()) return;
  ++g_worker->reopen_attempts;
  if (ngx_thread_task_post(g_worker->jobs_pool, g_worker->reopen_task) != NGX_OK) {
    ngx_add_timer(ev, kReopenIntervalMs);
  }
}

ngx_int_t ArmReopen(ngx_cycle_t *cycle, CallexaWorker *w) {
  w->reopen_task = NewTask(cycle->pool, cycle->log, w, ReopenRun, ReopenDone);
  if (w->reopen_task == nullptr) return NGX_ERROR;
  w->reopen_conn.fd = static_cast<ngx_socket_t>(-1);
  w->reopen_timer.data = &w->reopen_conn;
  w->reopen_timer.handler = ReopenTimerFired;
  w->reopen_timer.log = cycle->log;
  w->reopen_timer.cancelable = 1;  // a quitting worker need not wait for it
  ngx_add_timer(&w->reopen_timer, kReopenIntervalMs);
  return NGX_OK;
}

// The group commits and periodic jobs of w->service, once it is healthy.
ngx_int_t StartService(ngx_cycle_t *cycle, CallexaWorker *w) {
  if (AddGroupCommits(cycle, w) != NGX_OK) return NGX_ERROR;
  for (const callexa::PeriodicJob &job : w->service->jobs()) {
    if (StartJob(cycle, job) != NGX_OK) return NGX_ERROR;
  }
  return NGX_OK;
}

ngx_int_t StartWorker(ngx_cycle_t *cycle, const CallexaMainConf *mcf) {
  const Status curl = callexa::EnsureCurlGlobalInit();
  if (!curl.ok()) {
    ngx_log_error(NGX_LOG_CRIT, cycle->log, 0, "callexa: %s", curl.ToLogString().c_str());
    return NGX_ERROR;
  }
  auto w = std::make_unique<CallexaWorker>();
  w->requests_pool = mcf->requests_pool;
  w->reports_pool = mcf->reports_pool;
  w->jobs_pool = mcf->jobs_pool;
  w->log = cycle->log;
  w->pool_wait_conn.fd = static_cast<ngx_socket_t>(-1);
  w->pool_wait_timer.data = &w->pool_wait_conn;
  w->pool_wait_timer.handler = PoolWaitTimerFired;
  w->pool_wait_timer.log = cycle->log;
  if (mcf->counters_zone != nullptr) {
    w->counters = static_cast<callexa::SharedCounters *>(mcf->counters_zone->data);
  }
  w->config = mcf->service_config;
  std::vector<callexa::LogLine> startup;
  w->service = callexa::Service::Create(*mcf->service_config, ngx_worker == 0, Quitting,
                                        w->counters, &startup);
  WriteLog(cycle->log, startup);
  g_worker = w.release();
  if (!g_worker->service->health().ok()) return ArmReopen(cycle, g_worker);
  return StartService(cycle, g_worker);
}

ngx_int_t InitProcess(ngx_cycle_t *cycle) {
  if (ngx_process != NGX_PROCESS_WORKER && ngx_process != NGX_PROCESS_SINGLE) {
    return NGX_OK;
  }
  auto *mcf = static_cast<CallexaMainConf *>(
      ngx_http_cycle_get_module_main_conf(cycle, ngx_http_callexa_module));
  if (mcf == nullptr || !mcf->used) return NGX_OK;
  // Pool threads free SQLite and JSON buffers in their own malloc arenas;
  // glibc then hands the pages back with madvise() after nearly every
  // commit, and each of those flushes the TLB of every core. Keep them.
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  return Guarded(cycle->log, "worker start", static_cast<ngx_int_t>(NGX_ERROR),
                 [&] { return StartWorker(cycle, mcf); });
}

void ExitProcess(ngx_cycle_t *cycle) {
  // The thread pools have already been drained and joined (the core
  // thread_pool module exits first), so no task still uses the service.
  if (g_worker == nullptr) return;
  GuardedVoid(cycle->log, "worker exit", [] {
    if (g_worker->pool_wait_timer.timer_set) ngx_del_timer(&g_worker->pool_wait_timer);
    if (g_worker->reopen_timer.timer_set) ngx_del_timer(&g_worker->reopen_timer);
    for (auto &t : g_worker->jobs) {
      if (t->timer.timer_set) ngx_del_timer(&t->timer);
    }
    delete g_worker;
  });
  g_worker = nullptr;
}

// ---------------------------------------------------------------------------
// Requests in and answers out

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

HttpRequest ToCoreRequest(ngx_http_request_t *r, std::string body) {
  HttpRequest req;
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
bool PoolString(ngx_http_request_t *r, std::string_view s, ngx_str_t *out) {
  out->len = s.size();
  out->data = static_cast<u_char *>(ngx_pnalloc(r->pool, s.size() + 1));
  if (out->data == nullptr) return false;
  ngx_memcpy(out->data, s.data(), s.size());
  out->data[s.size()] = '\0';
  return true;
}

ngx_int_t AddHeader(ngx_http_request_t *r, std::string_view name,
                    std::string_view value) {
  auto *h = static_cast<ngx_table_elt_t *>(ngx_list_push(&r->headers_out.headers));
  if (h == nullptr) return NGX_ERROR;
  h->hash = 1;
  if (!PoolString(r, name, &h->key) || !PoolString(r, value, &h->value)) return NGX_ERROR;
  if (name == "Location") r->headers_out.location = h;
  return NGX_OK;
}

// The body as one buffer: pointing at a static body (it outlives every
// request, so nginx may send it from there), or a copy in the pool.
ngx_buf_t *BodyBuffer(ngx_http_request_t *r, const HttpResponse &resp) {
  const std::string_view body = resp.payload();
  auto *b = static_cast<ngx_buf_t *>(ngx_calloc_buf(r->pool));
  if (b == nullptr) return nullptr;
  if (resp.static_body.data() != nullptr) {
    b->pos = reinterpret_cast<u_char *>(const_cast<char *>(body.data()));
    b->memory = 1;
  } else {
    b->pos = static_cast<u_char *>(ngx_pnalloc(r->pool, body.size()));
    if (b->pos == nullptr) return nullptr;
    ngx_memcpy(b->pos, body.data(), body.size());
    b->temporary = 1;
  }
  b->start = b->pos;
  b->last = b->end = b->pos + body.size();
  b->last_buf = (r == r->main) ? 1 : 0;
  b->last_in_chain = 1;
  return b;
}

// Set while the core's answer goes through the header filters, which leave
// it as it is (JsonErrorHeaderFilter).
bool g_core_answer = false;

// The status line and headers; a streamed body has no length (chunked).
ngx_int_t SendHeaders(ngx_http_request_t *r, const HttpResponse &resp) {
  r->headers_out.status = static_cast<ngx_uint_t>(resp.status);
  r->headers_out.content_length_n =
      resp.stream ? -1 : static_cast<off_t>(resp.payload().size());
  if (!PoolString(r, resp.content_type, &r->headers_out.content_type)) return NGX_ERROR;
  r->headers_out.content_type_len = resp.content_type.size();
  if (AddHeader(r, "Cache-Control", callexa::CacheControlOf(resp.cache)) != NGX_OK) {
    return NGX_ERROR;
  }
  for (const auto &[name, value] : resp.headers) {
    if (AddHeader(r, name, value) != NGX_OK) return NGX_ERROR;
  }
  if (!resp.stream && resp.payload().empty()) r->header_only = 1;
  g_core_answer = true;
  const ngx_int_t rc = ngx_http_send_header(r);
  g_core_answer = false;
  return rc;
}

ngx_int_t SendResponse(ngx_http_request_t *r, const HttpResponse &resp) {
  ngx_int_t rc = SendHeaders(r, resp);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) return rc;
  ngx_buf_t *b = BodyBuffer(r, resp);
  if (b == nullptr) return NGX_ERROR;
  ngx_chain_t out = {b, nullptr};
  return ngx_http_output_filter(r, &out);
}

// Every 5xx goes to the error log with its cause, at most once a minute
// per cause: the client is told only that it failed. A 501 is no fault:
// the destination's answer to the call types it does not use (most of what
// Segment forwards is `track`), noted at [info] and counted in /metrics.
void LogFailure(ngx_http_request_t *r, const HttpResponse &resp) {
  if (resp.status < 500 || g_worker == nullptr) return;
  const ngx_uint_t level = resp.status == 501 ? NGX_LOG_INFO : NGX_LOG_ERR;
  const std::string &cause = resp.diagnostic.empty() ? resp.body : resp.diagnostic;
  int64_t held_back = 0;
  if (!g_worker->failures.Admit(cause, ngx_time(), &held_back)) return;
  if (held_back > 0) {
    ngx_log_error(level, r->connection->log, 0,
                  "callexa: answered %d: %s (and %L more like it in the last minute)",
                  resp.status, cause.c_str(), static_cast<int64_t>(held_back));
  } else {
    ngx_log_error(level, r->connection->log, 0, "callexa: answered %d: %s", resp.status,
                  cause.c_str());
  }
}

// The row of kEndpointTable the request's location names.
size_t EndpointIndex(ngx_http_request_t *r);

void CountAnswer(ngx_http_request_t *r, int status) {
  if (g_worker != nullptr && g_worker->counters != nullptr) {
    callexa::CountRequest(g_worker->counters, EndpointIndex(r), status);
  }
}

void Finish(ngx_http_request_t *r, const HttpResponse &resp) {
  if (!resp.error_log.empty()) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "callexa: %s",
                  resp.error_log.c_str());
  }
  LogFailure(r, resp);
  CountAnswer(r, resp.status);
  ngx_http_finalize_request(r, SendResponse(r, resp));
}

// Answers without reading the body (which nginx then discards).
ngx_int_t Refuse(ngx_http_request_t *r, const Status &status) {
  if (ngx_http_discard_request_body(r) != NGX_OK) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  const HttpResponse resp = callexa::JsonError(status);
  LogFailure(r, resp);
  CountAnswer(r, resp.status);
  return SendResponse(r, resp);
}

// ---------------------------------------------------------------------------
// Group commit through the request pool

void StartGroupCommit(GroupCommit *gc);

void GroupCommitRun(void *data, ngx_log_t *log) {
  GroupCommit *gc = *static_cast<GroupCommit **>(data);
  std::vector<callexa::IngestJob *> jobs;
  jobs.reserve(gc->in_flight.size());
  for (PendingCommit &p : gc->in_flight) jobs.push_back(&p.job);
  timespec start{}, end{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  const bool done = Guarded(log, "commit", false, [&] {
    gc->endpoint->Commit(jobs, gc->batch_time);
    return true;
  });
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (g_worker->counters != nullptr) {
    const int64_t micros =
        (end.tv_sec - start.tv_sec) * 1000000 + (end.tv_nsec - start.tv_nsec) / 1000;
    callexa::CountCommit(g_worker->counters, static_cast<uint64_t>(micros));
  }
  if (!done) {
    for (callexa::IngestJob *job : jobs) {
      job->status = Status::IOError("internal error", "commit failed");
    }
  }
}

void AnswerInFlight(GroupCommit *gc) {
  std::vector<PendingCommit> done;
  done.swap(gc->in_flight);
  gc->running = false;
  for (PendingCommit &p : done) {
    ResumeRequest(p.request, p.request->connection->log, "commit completion",
                  [&] { Finish(p.request, gc->endpoint->Answer(p.job)); });
  }
}

void GroupCommitDone(ngx_event_t *ev) {
  auto *gc = static_cast<GroupCommit *>(ev->data);
  GuardedVoid(ev->log, "commit completion", [&] {
    AnswerInFlight(gc);
    if (!gc->waiting.empty()) StartGroupCommit(gc);
  });
}

void StartGroupCommit(GroupCommit *gc) {
  gc->in_flight.swap(gc->waiting);
  gc->running = true;
  gc->batch_time = ngx_time();
  if (ngx_thread_task_post(g_worker->requests_pool, gc->task) != NGX_OK) {
    for (PendingCommit &p : gc->in_flight) {
      p.job.status = Status::Unavailable("server busy, events not stored",
                                         "the thread pool's queue is full");
    }
    AnswerInFlight(gc);
  }
}

GroupCommit *GroupCommitOf(CommitEndpoint *endpoint) {
  for (auto &gc : g_worker->commits) {
    if (gc->endpoint == endpoint) return gc.get();
  }
  return nullptr;
}

void EnqueueCommit(ngx_http_request_t *r, CommitEndpoint *endpoint,
                   const HttpRequest &in) {
  auto job = endpoint->Parse(in);
  if (!job.ok()) {
    Finish(r, callexa::JsonError(job.status()));
    return;
  }
  GroupCommit *gc = GroupCommitOf(endpoint);
  gc->waiting.push_back(PendingCommit{r, std::move(job.value())});
  RequestWaits(r);
  if (!gc->running) StartGroupCommit(gc);
}

// ---------------------------------------------------------------------------
// One core call on a thread pool, in nginx's thread-task idiom: the state
// lives in the request's pool (destroyed with it), the request is blocked
// while the task runs, and the completion checks that the client is still
// there before it answers, then runs posted (sub)requests.

struct PoolCall {
  ngx_http_request_t *request = nullptr;
  Endpoint *endpoint = nullptr;
  ngx_thread_pool_t *pool = nullptr;
  ngx_thread_task_t *task = nullptr;
  HttpRequest in;
  HttpResponse out;
  time_t now = 0;
  // A streamed body: the piece the last task read, or why it failed.
  std::string piece;
  Status piece_status;
  // The copy of the piece sent last, freed once it is out: pieces are
  // large allocations of the request pool, which would otherwise keep
  // the whole body until the request ends.
  u_char *sent_piece = nullptr;
};

void StreamNext(PoolCall *call);

// The module's context of a request: the streamed answer in progress, or
// the JSON body that replaces nginx's own error page (JsonErrorHeaderFilter).
struct RequestContext {
  PoolCall *stream = nullptr;
  ngx_buf_t *error_page = nullptr;
};

RequestContext *ContextOf(ngx_http_request_t *r) {
  auto *ctx =
      static_cast<RequestContext *>(ngx_http_get_module_ctx(r, ngx_http_callexa_module));
  if (ctx != nullptr) return ctx;
  ctx = PoolNew<RequestContext>(r->pool);
  if (ctx != nullptr) ngx_http_set_ctx(r, ctx, ngx_http_callexa_module);
  return ctx;
}

void PoolCallRun(void *data, ngx_log_t *log) {
  PoolCall *call = *static_cast<PoolCall **>(data);
  const bool ok = Guarded(log, "request", false, [&] {
    call->out = call->endpoint->Handle(call->in, call->now);
    return true;
  });
  if (!ok) call->out = InternalError("the request failed");
}

// Starts a streamed answer: the headers now, the pieces from the pool.
void StartStream(PoolCall *call) {
  ngx_http_request_t *r = call->request;
  const ngx_int_t rc = SendHeaders(r, call->out);
  if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
    ngx_http_finalize_request(r, rc);
    return;
  }
  StreamNext(call);
}

void PoolCallDone(ngx_event_t *ev) {
  auto *call = static_cast<PoolCall *>(ev->data);
  ResumeRequest(call->request, ev->log, "request completion", [&] {
    if (call->out.stream) {
      StartStream(call);
    } else {
      Finish(call->request, call->out);
    }
  });
}

// ---------------------------------------------------------------------------
// A streamed body: one pool task per piece, each sent before the next is
// read, so that a slow client holds neither a thread nor the whole body.

void StreamPieceRun(void *data, ngx_log_t *log) {
  PoolCall *call = *static_cast<PoolCall **>(data);
  call->piece.clear();
  call->piece_status =
      Guarded(log, "stream", Status::IOError("internal error", "stream"), [&] {
        callexa::Result<std::string> next = call->out.stream->Next();
        if (!next.ok()) return next.status();
        call->piece = std::move(next.value());
        return Status::Ok();
      });
}

// The write side is ready again after a piece that did not fit at once.
void StreamWritable(ngx_http_request_t *r) {
  ngx_connection_t *c = r->connection;
  if (c->write->timedout) {
    c->timedout = 1;
    ngx_http_finalize_request(r, NGX_HTTP_REQUEST_TIME_OUT);
    return;
  }
  if (ngx_http_output_filter(r, nullptr) == NGX_ERROR) {
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  if (c->buffered) return;  // still more to send: called again
  if (c->write->timer_set) ngx_del_timer(c->write);
  r->write_event_handler = ngx_http_request_empty_handler;
  StreamNext(
      static_cast<RequestContext *>(ngx_http_get_module_ctx(r, ngx_http_callexa_module))
          ->stream);
}

// Sends the piece the task read; the last piece (empty) ends the body.
void SendPiece(PoolCall *call) {
  ngx_http_request_t *r = call->request;
  ngx_connection_t *c = r->connection;
  if (!call->piece_status.ok()) {
    // The headers are gone: all that can be done is to cut the body.
    ngx_log_error(NGX_LOG_ERR, c->log, 0, "callexa: streamed answer cut: %s",
                  call->piece_status.ToLogString().c_str());
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  if (call->piece.empty()) {
    ngx_http_finalize_request(r, ngx_http_send_special(r, NGX_HTTP_LAST));
    return;
  }
  HttpResponse piece;
  piece.body = std::move(call->piece);
  ngx_buf_t *b = BodyBuffer(r, piece);
  if (b == nullptr) {
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  call->sent_piece = b->pos;
  b->last_buf = 0;
  b->last_in_chain = 0;
  b->flush = 1;
  ngx_chain_t out = {b, nullptr};
  const ngx_int_t rc = ngx_http_output_filter(r, &out);
  if (rc == NGX_ERROR) {
    ngx_http_finalize_request(r, rc);
    return;
  }
  if (c->buffered) {
    auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
        ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    r->write_event_handler = StreamWritable;
    ngx_add_timer(c->write, clcf->send_timeout);
    if (ngx_handle_write_event(c->write, clcf->send_lowat) != NGX_OK) {
      ngx_http_finalize_request(r, NGX_ERROR);
    }
    return;
  }
  StreamNext(call);
}

void StreamPieceDone(ngx_event_t *ev) {
  auto *call = static_cast<PoolCall *>(ev->data);
  ResumeRequest(call->request, ev->log, "stream completion", [&] { SendPiece(call); });
}

void StreamNext(PoolCall *call) {
  ngx_http_request_t *r = call->request;
  // Called once nothing is buffered: the last piece has been written.
  if (call->sent_piece != nullptr) {
    ngx_pfree(r->pool, call->sent_piece);
    call->sent_piece = nullptr;
  }
  RequestContext *ctx = ContextOf(r);
  if (ctx == nullptr) {
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  ctx->stream = call;
  call->task->handler = StreamPieceRun;
  call->task->event.handler = StreamPieceDone;
  if (ngx_thread_task_post(call->pool, call->task) != NGX_OK) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "callexa: streamed answer cut: the thread pool's queue is full");
    ngx_http_finalize_request(r, NGX_ERROR);
    return;
  }
  RequestWaits(r);
}

void RunOnPool(ngx_http_request_t *r, ngx_thread_pool_t *pool, Endpoint *endpoint,
               HttpRequest in) {
  PoolCall *call = PoolNew<PoolCall>(r->pool);
  ngx_thread_task_t *task = call == nullptr ? nullptr
                                            : NewTask(r->pool, r->connection->log, call,
                                                      PoolCallRun, PoolCallDone);
  if (task == nullptr) {
    Finish(r, callexa::JsonError(Status::Unavailable("out of memory")));
    return;
  }
  call->request = r;
  call->endpoint = endpoint;
  call->pool = pool;
  call->task = task;
  call->in = std::move(in);
  call->now = ngx_time();
  if (ngx_thread_task_post(pool, task) != NGX_OK) {
    Finish(r, callexa::JsonError(Status::Unavailable("server busy, try again",
                                                     "the thread pool's queue is full")));
    return;
  }
  RequestWaits(r);
}

// ---------------------------------------------------------------------------
// Content handler: look the endpoint up, check access and body limit, read
// the body, dispatch by lane.

const EndpointSpec &EndpointOf(ngx_http_request_t *r) {
  return *static_cast<const EndpointSpec *>(
      static_cast<CallexaLocConf *>(
          ngx_http_get_module_loc_conf(r, ngx_http_callexa_module))
          ->endpoint);
}

size_t EndpointIndex(ngx_http_request_t *r) {
  return static_cast<size_t>(&EndpointOf(r) - callexa::kEndpointTable);
}

size_t MaxBodyBytes(const EndpointSpec &spec, std::string_view path) {
  if (spec.lane == Lane::kGroupCommit) {
    return g_worker->service->commit_endpoint(spec.id)->MaxBodyBytes(path);
  }
  return g_worker->service->endpoint(spec.id)->MaxBodyBytes(path);
}

// Who an admin request comes from, and as which role: callexa_admin_user
// (by default the user auth_basic checked; an Authorization header that
// no password check vouched for names nobody) and callexa_admin_role
// (unset: everyone nginx let in is the owner; a value naming no role is
// the least, viewer, with a warning).
void SetAdminIdentity(ngx_http_request_t *r, HttpRequest *in) {
  const auto *lcf = static_cast<CallexaLocConf *>(
      ngx_http_get_module_loc_conf(r, ngx_http_callexa_module));
  ngx_str_t value = ngx_null_string;
  if (lcf->admin_user != nullptr) {
    if (ngx_http_complex_value(r, lcf->admin_user, &value) == NGX_OK) {
      in->admin_user = ToString(value);
    }
  } else if (BasicAuthChecked(r, GuardOf(r->srv_conf, r->loc_conf)) &&
             ngx_http_auth_basic_user(r) == NGX_OK) {
    in->admin_user = ToString(r->headers_in.user);
  }
  if (lcf->admin_role == nullptr) {
    in->admin_role = "owner";
    return;
  }
  value = ngx_null_string;
  const bool evaluated = ngx_http_complex_value(r, lcf->admin_role, &value) == NGX_OK;
  const std::string role = evaluated ? ToString(value) : std::string();
  if (callexa::ParseAdminRole(role)) {
    in->admin_role = role;
    return;
  }
  in->admin_role = "viewer";
  int64_t held_back = 0;
  if (!g_worker->unknown_roles.Admit(role, ngx_time(), &held_back)) return;
  const std::string more =
      held_back > 0 ? " (and " + std::to_string(held_back) + " more in the last minute)"
                    : "";
  ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                "callexa: callexa_admin_role gave \"%s\" for user \"%s\", which is "
                "not owner, editor or viewer: treated as viewer%s",
                role.c_str(), in->admin_user.c_str(), more.c_str());
}

void Dispatch(ngx_http_request_t *r) {
  const EndpointSpec &spec = EndpointOf(r);
  std::string body;
  if (ReadBody(r, &body) != NGX_OK) {
    Finish(r, callexa::JsonError(Status::IOError("cannot read request body")));
    return;
  }
  // A chunked body has no Content-Length for Admit to check.
  const size_t limit = MaxBodyBytes(spec, LocationPath(r));
  if (body.size() > limit) {
    Finish(r, callexa::JsonError(callexa::BodyTooLarge(limit)));
    return;
  }
  HttpRequest in = ToCoreRequest(r, std::move(body));
  if (spec.id == callexa::EndpointId::kAdmin) SetAdminIdentity(r, &in);
  if (spec.lane == Lane::kGroupCommit) {
    EnqueueCommit(r, g_worker->service->commit_endpoint(spec.id), in);
    return;
  }
  Endpoint *endpoint = g_worker->service->endpoint(spec.id);
  RunOnPool(r, PoolFor(endpoint->LaneFor(in)), endpoint, std::move(in));
}

void BodyReady(ngx_http_request_t *r) {
  const bool ok = Guarded(r->connection->log, "request", false, [&] {
    Dispatch(r);
    return true;
  });
  if (!ok) ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
}

ngx_int_t Admit(ngx_http_request_t *r) {
  if (g_worker == nullptr) return NGX_HTTP_INTERNAL_SERVER_ERROR;
  const EndpointSpec &spec = EndpointOf(r);
  // The details (paths, errno) are in the error log, not for clients.
  if (!g_worker->service->health().ok()) return Refuse(r, g_worker->service->health());
  if (spec.access == callexa::Access::kAuthenticated && !NginxAuthenticated(r)) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "callexa: %s location has no access control; configure "
                  "auth_basic, auth_request or ssl_verify_client",
                  spec.name);
    return Refuse(r, Status::Forbidden(std::string(spec.name) +
                                       " refused: this location has no access control"));
  }
  const size_t limit = MaxBodyBytes(spec, LocationPath(r));
  if (r->headers_in.content_length_n > static_cast<off_t>(limit)) {
    return Refuse(r, callexa::BodyTooLarge(limit));
  }
  r->request_body_in_single_buf = 1;
  const ngx_int_t rc = ngx_http_read_client_request_body(r, BodyReady);
  if (rc >= NGX_HTTP_SPECIAL_RESPONSE) return rc;
  return NGX_DONE;
}

ngx_int_t ContentHandler(ngx_http_request_t *r) {
  return Guarded(r->connection->log, "request",
                 static_cast<ngx_int_t>(NGX_HTTP_INTERNAL_SERVER_ERROR),
                 [&] { return Admit(r); });
}

// ---------------------------------------------------------------------------
// nginx's own error pages in the module's locations become JSON: a client
// of the module (Segment, a tracking library, the admin UI, a survey form)
// reads {"message"} whatever refused its request, be it the module or
// nginx before it (client_max_body_size, limit_req, auth_basic, timeouts).

// The most this request's location takes: the module's limit for the
// path, or nginx's client_max_body_size when that is lower.
size_t BodyLimitOf(ngx_http_request_t *r) {
  auto *clcf = static_cast<ngx_http_core_loc_conf_t *>(
      ngx_http_get_module_loc_conf(r, ngx_http_core_module));
  size_t limit = static_cast<size_t>(clcf->client_max_body_size);
  if (g_worker != nullptr && g_worker->service->health().ok()) {
    const size_t own = MaxBodyBytes(EndpointOf(r), LocationPath(r));
    if (limit == 0 || own < limit) limit = own;
  }
  return limit;
}

ngx_int_t ReplaceErrorPage(ngx_http_request_t *r) {
  const int status = static_cast<int>(r->headers_out.status);
  const HttpResponse resp = callexa::NginxErrorResponse(status, BodyLimitOf(r));
  RequestContext *ctx = ContextOf(r);
  if (ctx == nullptr) return NGX_ERROR;
  ctx->error_page = BodyBuffer(r, resp);
  if (ctx->error_page == nullptr ||
      !PoolString(r, resp.content_type, &r->headers_out.content_type)) {
    return NGX_ERROR;
  }
  r->headers_out.content_type_len = resp.content_type.size();
  r->headers_out.content_type_lowcase = nullptr;
  r->headers_out.content_length_n = static_cast<off_t>(resp.body.size());
  if (r->headers_out.content_length != nullptr) {
    r->headers_out.content_length->hash = 0;
    r->headers_out.content_length = nullptr;
  }
  CountAnswer(r, status);
  return g_next_header_filter(r);
}

ngx_int_t JsonErrorHeaderFilter(ngx_http_request_t *r) {
  if (g_core_answer || r->headers_out.status < NGX_HTTP_BAD_REQUEST ||
      r->content_handler != ContentHandler || r != r->main) {
    return g_next_header_filter(r);
  }
  return Guarded(r->connection->log, "error page", static_cast<ngx_int_t>(NGX_ERROR),
                 [&] { return ReplaceErrorPage(r); });
}

// Swallows nginx's HTML and sends the JSON instead, with the last buffer.
ngx_int_t JsonErrorBodyFilter(ngx_http_request_t *r, ngx_chain_t *in) {
  auto *ctx =
      static_cast<RequestContext *>(ngx_http_get_module_ctx(r, ngx_http_callexa_module));
  if (in == nullptr || ctx == nullptr || ctx->error_page == nullptr) {
    return g_next_body_filter(r, in);
  }
  bool last = false;
  for (ngx_chain_t *cl = in; cl != nullptr; cl = cl->next) {
    last = last || cl->buf->last_buf || cl->buf->last_in_chain;
    cl->buf->pos = cl->buf->last;
    cl->buf->file_pos = cl->buf->file_last;
  }
  if (!last) return NGX_OK;
  ngx_chain_t out = {ctx->error_page, nullptr};
  ctx->error_page = nullptr;
  return g_next_body_filter(r, &out);
}

}  // namespace
