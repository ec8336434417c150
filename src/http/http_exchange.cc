#include "http/http_exchange.h"

#include <nlohmann/json.hpp>

namespace callexa {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

}  // namespace

std::string_view CacheControlOf(CachePolicy policy) {
  switch (policy) {
    case CachePolicy::kNoCache:
      return "no-cache";
    case CachePolicy::kImmutable:
      return "public, max-age=31536000, immutable";
    case CachePolicy::kShortPublic:
      return "public, max-age=300";
    case CachePolicy::kNoStore:
      break;
  }
  return "no-store";
}

int HttpStatusOf(const Status &status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthorized:
      return 401;
    case Status::Code::kForbidden:
      return 403;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kMethodNotAllowed:
      return 405;
    case Status::Code::kConflict:
      return 409;
    case Status::Code::kTooLarge:
      return 413;
    case Status::Code::kUnsupportedMedia:
      return 415;
    case Status::Code::kNotImplemented:
      return 501;
    case Status::Code::kUnavailable:
      return 503;
    case Status::Code::kIOError:
      return 500;
  }
  return 500;
}

HttpResponse JsonError(const Status &status) {
  nlohmann::json body = {{"message", status.message()}};
  HttpResponse r =
      JsonResponse(HttpStatusOf(status),
                   body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.diagnostic = status.ToLogString();
  return r;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string ByteSizeText(size_t bytes) {
  constexpr size_t kKiB = 1024, kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MB";
  if (bytes >= kKiB) return std::to_string(bytes / kKiB) + " KB";
  return std::to_string(bytes) + " bytes";
}

Status BodyTooLarge(size_t limit) {
  return Status::TooLarge("request body too large: at most " + ByteSizeText(limit) +
                          " here");
}

HttpResponse NginxErrorResponse(int status, size_t body_limit) {
  std::string message;
  switch (status) {
    case 400:
      message = "bad request: nginx could not read it";
      break;
    case 401:
      message = "authentication required";
      break;
    case 403:
      message = "forbidden";
      break;
    case 404:
      message = "not found";
      break;
    case 405:
      message = "method not allowed";
      break;
    case 408:
      message = "request timed out: the body did not arrive in time";
      break;
    case 411:
      message = "a request body needs Content-Length or chunked transfer encoding";
      break;
    case 413:
      message = BodyTooLarge(body_limit).message();
      break;
    case 414:
      message = "request URI too long";
      break;
    case 429:
      message = "too many requests: slow down and try again later";
      break;
    case 502:
    case 503:
    case 504:
      message = "service unavailable: try again later";
      break;
    default:
      message = status >= 500
                    ? "internal error"
                    : "request refused with HTTP status " + std::to_string(status);
  }
  nlohmann::json body = {{"message", message}};
  return JsonResponse(status, body.dump());
}

std::string MediaType(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string out(t);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status CheckNotCrossSite(const HttpRequest &request, bool allow_null_origin) {
  if (!request.sec_fetch_site.empty() && request.sec_fetch_site != "same-origin" &&
      request.sec_fetch_site != "none") {
    return Status::Forbidden("cross-site request refused");
  }
  if (allow_null_origin && request.origin == "null") return Status::Ok();
  if (!request.origin.empty() && request.origin != "http://" + request.host &&
      request.origin != "https://" + request.host) {
    return Status::Forbidden("cross-origin request refused (Origin " + request.origin +
                             ")");
  }
  return Status::Ok();
}

std::string QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? std::string()
                                          : PercentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> QueryParams(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      params.emplace_back(PercentDecode(pair.substr(0, eq)),
                          eq == std::string_view::npos
                              ? std::string()
                              : PercentDecode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

}  // namespace callexa
