#include "service/service_config.h"

#include "common/web_url.h"
#include "mail/mail_from.h"
#include "store/open_store.h"

namespace callexa {
namespace {

void DropTrailingSlashes(std::string *url) {
  while (!url->empty() && url->back() == '/') url->pop_back();
}

}  // namespace

bool DatabaseIsServer(const std::string &database) { return NamesPostgresql(database); }

Status CheckServiceConfig(ServiceConfig *config) {
  DropTrailingSlashes(&config->public_url);
  DropTrailingSlashes(&config->segment_api);
  if (config->smtp_url == "off") config->smtp_url.clear();
  Status database = CheckDatabaseSetting(config->database_path);
  if (!database.ok()) {
    return Status::InvalidArgument("callexa_database: " + database.message());
  }
  if (!config->public_url.empty()) {
    Status s = CheckWebUrl(config->public_url, false, "callexa_public_url");
    if (!s.ok()) return s;
  }
  if (!config->mail_from.empty()) {
    auto from = ParseMailFrom(config->mail_from);
    if (!from.ok()) {
      return Status::InvalidArgument("callexa_mail_from: " + from.status().message());
    }
  }
  Status s = CheckWebUrl(config->segment_api, false, "callexa_segment_api");
  if (!s.ok()) return s;
  if (config->alert_quiet_period_ms < 1000) {
    return Status::InvalidArgument("callexa_alert_quiet_period must be at least 1s");
  }
  if (config->sync_interval_ms < 1000) {
    return Status::InvalidArgument("callexa_sync_interval must be at least 1s");
  }
  // Within half the delivery lease (10 minutes), so that a slow session
  // never outlives the claim on its invitation.
  if (config->smtp_timeout_ms < 1000 || config->smtp_timeout_ms > 300 * 1000) {
    return Status::InvalidArgument("callexa_smtp_timeout must be from 1s to 5m");
  }
  config->dkim_signer.reset();
  if (!config->dkim.domain.empty()) {
    auto signer = DkimSigner::Load(config->dkim);
    if (!signer.ok()) return signer.status();
    config->dkim_signer = std::move(signer.value());
  }
  return Status::Ok();
}

bool DeliveryConfigured(const ServiceConfig &config) {
  return !config.public_url.empty() && !config.mail_from.empty();
}

std::string HostOfUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const size_t end = url.find_first_of(":/?#", start);
  return std::string(
      url.substr(start, end == std::string_view::npos ? end : end - start));
}

}  // namespace callexa
