// The admin JSON API (README "Admin API"), below the admin location's "api/".
// Authentication is nginx's job and is checked by the glue before a request
// gets here; this layer adds the CSRF rules for state-changing calls.
//
// Handle() blocks on the store: call it from a pool thread.
#ifndef CALLEXA_ADMIN_ADMIN_API_H_
#define CALLEXA_ADMIN_ADMIN_API_H_

#include <cstdint>

#include "http/endpoint.h"
#include "http/http_exchange.h"
#include "store/ingest_store.h"
#include "store/store.h"
#include "store/survey_store.h"
#include "store/sync_store.h"

namespace callexa {

// The parts of the store the admin API uses.
struct AdminStores {
  SurveyStore *surveys;
  IngestStore *ingest;  // recipients added by hand take the identify path
  SyncStore *sync;
};

// The largest admin request body: a CSV import or a logo upload in JSON.
constexpr size_t kMaxAdminBodyBytes = 1024 * 1024;

class AdminApi : public Endpoint {
 public:
  // The stores must outlive this object.
  explicit AdminApi(const AdminStores &stores) : stores_(stores) {}
  explicit AdminApi(Store *store) : AdminApi(AdminStores{store, store, store}) {}

  size_t MaxBodyBytes(std::string_view) const override { return kMaxAdminBodyBytes; }
  HttpResponse Handle(const HttpRequest &request, int64_t now) override;

 private:
  HttpResponse Surveys(const HttpRequest &request, int64_t now);
  HttpResponse OneSurvey(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse RotateKey(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Customers(const HttpRequest &request, int64_t id);
  HttpResponse Recipients(const HttpRequest &request, int64_t id, int64_t now);
  HttpResponse Responses(const HttpRequest &request, int64_t id);

  AdminStores stores_;
};

// Cross-site request forgery guard for a state-changing admin request: JSON
// bodies only (a cross-site form cannot send them without a CORS
// preflight), and no Origin or Sec-Fetch-Site naming another site.
Status CheckSameOrigin(const HttpRequest &request);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_ADMIN_API_H_
