// Everything one nginx worker runs, built once per worker (after fork, in
// init_process) from a ServiceConfig: the store, the endpoints behind the
// location handlers, and, on the worker that runs them, the periodic jobs
// (the scheduler, the sync-back, retention, report emails) with their
// lease owners and public URLs.
// The glue only moves requests and timer ticks in and answers and log
// lines out; every business value lives here and below.
//
// Thread safety: endpoints and job steps are called from pool threads as
// their contracts say; Create and the accessors from the event loop.
#ifndef CALLEXA_SERVICE_SERVICE_H_
#define CALLEXA_SERVICE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/endpoint.h"
#include "http/endpoint_table.h"
#include "metrics/shared_counters.h"
#include "service/service_config.h"
#include "store/store.h"

namespace callexa {

enum class LogLevel { kCrit, kError, kWarn, kNotice, kInfo };

struct LogLine {
  LogLevel level;
  std::string text;  // "callexa: ..." as it goes to the error log
};

// What one step of a periodic job did.
struct JobStepResult {
  bool more = false;  // there is more to do now: step again at once
  std::vector<LogLine> log;
};

// Work one worker repeats on a timer: a bounded step every `interval_ms`,
// and again at once while a step reports more.
struct PeriodicJob {
  std::string name;  // "scheduler", "sync"
  int64_t interval_ms = 0;
  // Blocks (SMTP, Segment, the store): on the jobs pool. Never throws.
  std::function<JobStepResult()> step;
};

class Service {
 public:
  // Builds a worker's service. With `runs_jobs` (one worker of the
  // installation: worker 0), also the periodic jobs that are configured.
  // `quitting` tells whether nginx is shutting the worker down; long jobs
  // poll it to stop promptly. Never fails: a store that cannot be opened
  // leaves health() failing (every request then gets 503), a job that
  // cannot start is left out; both are said in *startup_log.
  // `counters` (may be null) are the installation's shared counters
  // (metrics/shared_counters.h); they must outlive the service. The job
  // worker's first line says what runs where (DescribeInstallation).
  static std::unique_ptr<Service> Create(const ServiceConfig &config, bool runs_jobs,
                                         std::function<bool()> quitting,
                                         SharedCounters *counters,
                                         std::vector<LogLine> *startup_log);
  ~Service();
  Service(const Service &) = delete;
  Service &operator=(const Service &) = delete;

  // OK when the store is open; otherwise why not (Unavailable for clients,
  // the cause in its detail).
  const Status &health() const { return health_; }
  // The endpoint of a row of kEndpointTable: an Endpoint for every lane
  // but kGroupCommit, a CommitEndpoint for that. Null while unhealthy.
  Endpoint *endpoint(EndpointId id) const;
  CommitEndpoint *commit_endpoint(EndpointId id) const;
  const std::vector<PeriodicJob> &jobs() const { return jobs_; }

 private:
  Service() = default;
  void StartDelivery(const ServiceConfig &config, std::vector<LogLine> *log);
  void StartSync(const ServiceConfig &config, std::vector<LogLine> *log);
  void StartRetention();
  void StartReports(const ServiceConfig &config, std::vector<LogLine> *log);
  void StartAlerts(const ServiceConfig &config, std::vector<LogLine> *log);
  void StartWebhooks(const ServiceConfig &config, std::vector<LogLine> *log);

  struct Parts;  // the store, endpoints, transports and job options
  std::unique_ptr<Parts> parts_;
  std::function<bool()> quitting_;
  SharedCounters *counters_ = nullptr;
  Status health_;
  std::vector<PeriodicJob> jobs_;
};

// One line for the start of the job worker: version, database and schema,
// mail transport, public URL, Segment API.
std::string DescribeInstallation(const ServiceConfig &config);

// The [warn] the jobs worker logs at start when callexa_dkim signs for a
// domain callexa_mail_from's domain is not aligned with (DMARC fails);
// nullopt when they are aligned or without callexa_dkim.
std::optional<std::string> DkimAlignmentWarning(const ServiceConfig &config);

// A lease owner unique to this process: hostname:pid:random, since a pid
// alone repeats across hosts and restarts.
std::string NewLeaseOwner();

}  // namespace callexa

#endif  // CALLEXA_SERVICE_SERVICE_H_
