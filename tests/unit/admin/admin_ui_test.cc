// The admin UI's shell and bundled assets, served below the admin location.
#include "admin/admin_ui.h"

#include <gtest/gtest.h>

#include <string>

#include "admin/ui_bundle.h"

namespace callexa {
namespace {

HttpRequest Get(std::string path, std::string method = "GET") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

std::string Header(const HttpResponse &r, const std::string &name) {
  for (const auto &[k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(AdminUiTest, ShellIsRevalidatedAndLinksTheHashedAssets) {
  const HttpResponse r = HandleAdminUi(Get(""));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.cache, CachePolicy::kNoCache);
  const std::string body(r.payload());
  EXPECT_NE(body.find("src=\"assets/" + std::string(UiScriptName()) + "\""),
            std::string::npos);
  EXPECT_NE(body.find("href=\"assets/" + std::string(UiStyleName()) + "\""),
            std::string::npos);
  EXPECT_EQ(body.find("<script>"), std::string::npos);  // no inline script
  const std::string csp = Header(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(r, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(HandleAdminUi(Get("index.html")).status, 200);
  EXPECT_EQ(HandleAdminUi(Get("", "HEAD")).status, 200);
}

TEST(AdminUiTest, AssetsAreImmutableAndTyped) {
  size_t count = 0;
  const UiAsset *assets = UiAssets(&count);
  ASSERT_GE(count, 2u);
  for (size_t i = 0; i < count; ++i) {
    const HttpResponse r = HandleAdminUi(Get("assets/" + std::string(assets[i].name)));
    ASSERT_EQ(r.status, 200) << assets[i].name;
    EXPECT_EQ(r.cache, CachePolicy::kImmutable);
    EXPECT_EQ(r.content_type, assets[i].content_type);
    EXPECT_EQ(r.payload().size(), assets[i].body.size());
    EXPECT_EQ(r.payload().data(), assets[i].body.data());  // served without a copy
    EXPECT_NE(r.content_type.find("charset=utf-8"), std::string::npos);
  }
}

TEST(AdminUiTest, UnknownPathsAndMethodsAreJsonErrors) {
  for (const char *path :
       {"assets/app-0000.js", "assets/", "nope.html", "assets/../api"}) {
    const HttpResponse r = HandleAdminUi(Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/json");
  }
  EXPECT_EQ(HandleAdminUi(Get("", "POST")).status, 405);
}

}  // namespace
}  // namespace callexa
