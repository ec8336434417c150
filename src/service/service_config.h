// The settings one worker's Service is built from: the callexa_* directives
// as plain values. The glue fills it once from nginx's configuration (paths
// already made absolute against the nginx prefix) and checks it with
// CheckServiceConfig at configuration time, so a typo fails `nginx -t`.
#ifndef CALLEXA_SERVICE_SERVICE_CONFIG_H_
#define CALLEXA_SERVICE_SERVICE_CONFIG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/endpoint_table.h"
#include "mail/dkim_signer.h"

namespace callexa {

struct ServiceConfig {
  std::string database_path = "/var/lib/callexa/callexa.db";  // callexa_database
  // callexa_public_url: base of every link in emails, without a trailing
  // "/"; empty: no emails are sent.
  std::string public_url;
  std::string mail_from;      // callexa_mail_from; empty: no emails are sent
  std::string smtp_url;       // callexa_smtp; empty ("off"): .eml files in mail_dir
  bool smtp_starttls = true;  // callexa_smtp_starttls
  // callexa_webhook_private_networks: webhooks may reach private, loopback
  // and link-local addresses, and plain http.
  bool webhook_private_networks = false;
  std::string smtp_credentials_file;  // callexa_smtp_credentials
  // callexa_smtp_timeout: the longest an SMTP session may take (and a
  // server may stay silent); a stalled server is then a retry.
  int64_t smtp_timeout_ms = 60 * 1000;
  std::string mail_dir = "/var/lib/callexa/mail";  // callexa_mail_dir
  // callexa_dkim; an empty domain: mail goes out unsigned.
  DkimSettings dkim;
  // The keys of `dkim`, loaded by CheckServiceConfig in the master at
  // configuration time (a worker may not be allowed to read the files);
  // null without callexa_dkim.
  std::shared_ptr<const DkimSigner> dkim_signer;
  std::string segment_api = "https://api.segment.io/v1";  // without a trailing "/"
  int64_t scheduler_interval_ms = 60 * 1000;              // callexa_scheduler_interval
  int64_t sync_interval_ms = 24 * 60 * 60 * 1000;         // callexa_sync_interval
  // How long an answer stays unchanged before its alert goes (README
  // "Alerts"); at least a second.
  int64_t alert_quiet_period_ms = 2 * 60 * 1000;  // callexa_alert_quiet_period
  // The first prefix location of each handler directive ("/segment",
  // "/v1/"), indexed by EndpointId; empty where there is none. The admin
  // shows the owner the URLs to paste into Segment from these.
  std::string endpoint_paths[kEndpointCount];
};

// Normalises `config` (trailing "/" of the URLs dropped, callexa_smtp
// "off" made empty) and checks it: the URLs are http(s), the sender parses,
// the sync interval is at least a second; loads the callexa_dkim keys into
// dkim_signer. InvalidArgument with the message `nginx -t` prints, naming
// the directive (and a bad key's file), otherwise.
Status CheckServiceConfig(ServiceConfig *config);

// Whether `callexa_database` names a PostgreSQL server (a connection
// string) rather than a SQLite file.
bool DatabaseIsServer(const std::string &database);

// Whether survey emails can be sent: both a public URL and a sender.
bool DeliveryConfigured(const ServiceConfig &config);

// The host of an http(s) URL: "nps.example.com" of
// "https://nps.example.com:8443/x".
std::string HostOfUrl(std::string_view url);

}  // namespace callexa

#endif  // CALLEXA_SERVICE_SERVICE_CONFIG_H_
