#include "admin/admin_ui.h"

#include "admin/ui_bundle.h"
#include "common/status.h"

namespace callexa {

const char kAdminContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

namespace {

void AddPageHeaders(HttpResponse *r) {
  r->headers.emplace_back("Content-Security-Policy", kAdminContentSecurityPolicy);
  r->headers.emplace_back("X-Content-Type-Options", "nosniff");
  r->headers.emplace_back("Referrer-Policy", "no-referrer");
  r->headers.emplace_back("X-Frame-Options", "DENY");
}

std::string Shell() {
  // The script is a module, so it runs after parsing; the noscript line is
  // the only text a browser without JavaScript shows.
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<link rel=\"icon\" href=\"data:,\">\n<title>Callexa</title>\n"
         "<link rel=\"stylesheet\" href=\"assets/" +
         std::string(UiStyleName()) +
         "\">\n"
         "<script type=\"module\" src=\"assets/" +
         std::string(UiScriptName()) +
         "\"></script>\n</head>\n<body>\n<div id=\"app\"></div>\n"
         "<noscript><p>The Callexa admin needs JavaScript.</p></noscript>\n"
         "</body>\n</html>\n";
}

const std::string &ShellBody() {
  static const std::string *const shell = new std::string(Shell());
  return *shell;
}

const UiAsset *FindAsset(std::string_view name) {
  size_t count = 0;
  const UiAsset *assets = UiAssets(&count);
  for (size_t i = 0; i < count; ++i) {
    if (assets[i].name == name) return &assets[i];
  }
  return nullptr;
}

}  // namespace

HttpResponse HandleAdminUi(const HttpRequest &request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return JsonError(Status::MethodNotAllowed("use GET for the admin pages"));
  }
  HttpResponse r;
  if (request.path.empty() || request.path == "index.html") {
    r.content_type = "text/html; charset=utf-8";
    r.static_body = ShellBody();
    r.cache = CachePolicy::kNoCache;
    AddPageHeaders(&r);
    return r;
  }
  constexpr std::string_view kAssets = "assets/";
  const std::string_view path = request.path;
  const UiAsset *asset = path.substr(0, kAssets.size()) == kAssets
                             ? FindAsset(path.substr(kAssets.size()))
                             : nullptr;
  if (asset == nullptr) {
    return JsonError(Status::NotFound("no such admin page: /" + request.path));
  }
  r.content_type = std::string(asset->content_type);
  r.static_body = asset->body;
  r.cache = CachePolicy::kImmutable;
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace callexa
