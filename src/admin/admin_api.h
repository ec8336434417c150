// The admin JSON API (README "Admin API"), below the admin location's "api/".
// Authentication is nginx's job and is checked by the glue before a request
// gets here; this layer adds the CSRF rules for state-changing calls.
//
// Handle() blocks on the store: call it from a pool thread.
#ifndef CALLEXA_ADMIN_ADMIN_API_H_
#define CALLEXA_ADMIN_ADMIN_API_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "admin/survey_preview.h"
#include "http/endpoint.h"
#include "http/http_exchange.h"
#include "mail/dkim_signer.h"
#include "mail/mail_transport.h"
#include "store/asset_store.h"
#include "store/audit_store.h"
#include "store/follow_up_store.h"
#include "store/ingest_store.h"
#include "store/metrics_store.h"
#include "store/privacy_store.h"
#include "store/report_run_store.h"
#include "store/report_store.h"
#include "store/store.h"
#include "store/survey_store.h"
#include "store/sync_store.h"
#include "store/testimonial_store.h"
#include "store/webhook_store.h"

namespace callexa {

// The parts of the store the admin API uses.
struct AdminStores {
  SurveyStore *surveys;
  IngestStore *ingest;  // recipients added by hand take the identify path
  SyncStore *sync;
  AssetStore *assets;         // uploaded logos
  TokenSecretStore *secrets;  // to sign the links of previews and test emails
  TestimonialStore *testimonials;
  PrivacyStore *privacy;        // erasure on request
  ReportStore *reports;         // statistics and exports, on the reports lane
  ReportRunStore *report_runs;  // what the report emails did
  MetricsStore *metrics;        // the database's backend, size and lease takeovers
  AuditStore *audit;            // who changed what
  FollowUpStore *follow_ups = nullptr;  // the inbox
  WebhookStore *webhooks = nullptr;     // the surveys' webhooks and their events
};

// The installation's side of the admin: what emails look like, where
// logos are served, and how test emails leave.
struct AdminOptions {
  PreviewSettings preview;
  // callexa_public_url, without a trailing "/"; empty while unset (links
  // shown to the owner are then relative to this host).
  std::string public_url;
  // Base of logo URLs: the survey location's public address ("/s/").
  std::string logo_base_url = "/s/";
  // What GET api/installation shows the owner: the module version, how
  // emails leave, and the locations of the handlers ("/segment"; empty
  // where the configuration has none), to paste into Segment.
  std::string version;
  std::string mail_transport;
  std::string destination_path, tracking_api_path, survey_path, embed_path;
  // Test emails go here; null while survey emails are off (no public URL
  // or sender). Used under the API's own lock: one test email at a time.
  MailTransport *test_mail = nullptr;
  // callexa_webhook_private_networks: webhook URLs may name private
  // addresses and use plain http.
  bool allow_private_webhooks = false;
  // callexa_dkim's keys, for the DNS records the Setup page shows; null
  // without the directive.
  std::shared_ptr<const DkimSigner> dkim;
};

// The largest admin request body: a CSV import or a logo upload in JSON.
constexpr size_t kMaxAdminBodyBytes = 1024 * 1024;

class AdminApi : public Endpoint {
 public:
  // The stores must outlive this object.
  explicit AdminApi(const AdminStores &stores, AdminOptions options = {})
      : stores_(stores), options_(std::move(options)) {}
  explicit AdminApi(Store *store, AdminOptions options = {})
      : AdminApi(AdminStores{store, store, store, store, store, store, store, store,
                             store, store, store, store, store},
                 std::move(options)) {}

  size_t MaxBodyBytes(std::string_view) const override { return kMaxAdminBodyBytes; }
  // kReports for the statistics and the CSV export (admin/report_routes.h).
  Lane LaneFor(const HttpRequest &request) const override;
  // Checks the request's role against the route (admin/admin_roles.h),
  // routes it, and records a change that succeeded in the audit log.
  HttpResponse Handle(const HttpRequest &request, int64_t now) override;

 private:
  HttpResponse Route(const HttpRequest &request, int64_t now);
  HttpResponse Me(const HttpRequest &request);
  HttpResponse Audit(const HttpRequest &request);
  HttpResponse Installation(const HttpRequest &request);
  HttpResponse Database(const HttpRequest &request, int64_t now);
  HttpResponse Erasure(const HttpRequest &request, int64_t now);
  HttpResponse Surveys(const HttpRequest &request, int64_t now);
  HttpResponse OneSurvey(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse DeleteSurvey(const HttpRequest &request, const Survey &survey);
  HttpResponse Duplicate(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse RotateKey(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Customers(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Recipients(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Responses(const HttpRequest &request, int64_t id);
  HttpResponse Delivery(const HttpRequest &request, int64_t id);
  HttpResponse ReportRuns(const HttpRequest &request, int64_t id);
  HttpResponse Preview(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse TestEmail(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Logo(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Suppressions(const HttpRequest &request, const std::string &action);
  HttpResponse Testimonials(const HttpRequest &request, const Survey &survey);
  HttpResponse Moderate(const HttpRequest &request, const Survey &survey,
                        const std::string &answer_id, const std::string &action,
                        int64_t now);
  // The survey's content with `draft` (a merge patch, as PATCH takes it)
  // applied, validated.
  Result<nlohmann::json> DraftContent(const Survey &survey, const nlohmann::json &body);

  AdminStores stores_;
  AdminOptions options_;
  std::mutex test_mail_mu_;
};

// Cross-site request forgery guard for a state-changing admin request: JSON
// bodies only (a cross-site form cannot send them without a CORS
// preflight), and no Origin or Sec-Fetch-Site naming another site.
Status CheckSameOrigin(const HttpRequest &request);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_ADMIN_API_H_
