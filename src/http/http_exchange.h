// A plain HTTP request and response, as the glue hands them to the core.
// Nothing here knows nginx; the glue copies what the core needs.
#ifndef CALLEXA_HTTP_HTTP_EXCHANGE_H_
#define CALLEXA_HTTP_HTTP_EXCHANGE_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace callexa {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // path below the handler's location, no query
  std::string query;   // raw query string, without "?"
  std::string authorization;
  std::string content_type;
  std::string content_encoding;
  std::string origin;          // Origin header, for CSRF checks
  std::string sec_fetch_site;  // Sec-Fetch-Site header, for CSRF checks
  std::string host;
  std::string if_none_match;  // If-None-Match, for conditional GETs
  std::string body;
  // Admin requests only, from nginx (callexa_admin_user, callexa_admin_role):
  // who is asking, empty when nginx does not say, and as which role
  // ("owner", "editor" or "viewer"). Without callexa_admin_role everyone
  // nginx let in is the owner.
  std::string admin_user;
  std::string admin_role = "owner";
};

// How long a client or a shared cache may keep an answer.
enum class CachePolicy {
  kNoStore,      // personal or changing data: never kept (the default)
  kNoCache,      // kept, but revalidated on every use (HTML shells)
  kImmutable,    // content-hashed assets: kept for a year, never revalidated
  kShortPublic,  // public data kept 5 minutes, then revalidated (ETag)
};

// The Cache-Control header value of `policy`.
std::string_view CacheControlOf(CachePolicy policy);

// A body produced in pieces, each read on a pool thread and sent as it
// comes (chunked), so that a large export is never whole in memory and
// never holds a thread for long.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece; an empty string when the body is complete. Blocks (the
  // store): called on a pool thread of the request's lane, one call at a
  // time. An error ends the body early (the client sees a cut response;
  // the log sees the status).
  virtual Result<std::string> Next() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A body that outlives every request (an asset compiled into the
  // module): sent as it is, without a copy. When set, `body` is ignored.
  std::string_view static_body;
  // When set, the body comes from here after the headers, and `body` and
  // `static_body` are ignored.
  std::shared_ptr<BodyStream> stream;
  CachePolicy cache = CachePolicy::kNoStore;
  std::vector<std::pair<std::string, std::string>> headers;
  // Why the request failed, for the error log (never sent): set with every
  // 5xx, so that the operator sees the cause the client is not told.
  std::string diagnostic;
  // A fault behind an answer that is still a success (the change was made,
  // its audit record was not), for the error log at [error].
  std::string error_log;

  std::string_view payload() const {
    return static_body.data() != nullptr ? static_body : std::string_view(body);
  }
};

// The HTTP status that carries `status` to a client.
int HttpStatusOf(const Status &status);

// {"message": status.message()} with the status's HTTP code; the status's
// ToLogString() as the diagnostic.
HttpResponse JsonError(const Status &status);
// Serialised JSON body with the given code.
HttpResponse JsonResponse(int status, std::string body);

// What a client of the module gets instead of nginx's HTML page when nginx
// itself refused a request in one of the module's locations (a body over
// client_max_body_size, limit_req, auth_basic, a timeout): the same status
// and {"message": ...} saying what to do. `body_limit` is the most this
// location takes, named by a 413.
HttpResponse NginxErrorResponse(int status, size_t body_limit);

// "500 KB", "1 MB", "100 bytes": a body limit as people read it.
std::string ByteSizeText(size_t bytes);

// TooLarge for a request body over `limit` bytes, naming the limit.
Status BodyTooLarge(size_t limit);

// Lowercased media type without parameters: "application/json; charset=utf-8"
// gives "application/json".
std::string MediaType(std::string_view content_type);

// Cross-site request forgery guard on the headers browsers set: Forbidden
// when Sec-Fetch-Site names another site or Origin another origin than
// http(s)://Host. Absent headers pass (not a browser, or an old one).
// `allow_null_origin` lets "Origin: null" pass, which browsers send for
// same-origin form posts from pages with Referrer-Policy: no-referrer.
Status CheckNotCrossSite(const HttpRequest &request, bool allow_null_origin);

// Value of `name` in an application/x-www-form-urlencoded query string,
// percent-decoded; empty when absent.
std::string QueryParam(std::string_view query, std::string_view name);
// Every name=value pair of such a query string, percent-decoded, in order
// (a pair without "=" has an empty value; empty pairs are skipped).
std::vector<std::pair<std::string, std::string>> QueryParams(std::string_view query);

}  // namespace callexa

#endif  // CALLEXA_HTTP_HTTP_EXCHANGE_H_
