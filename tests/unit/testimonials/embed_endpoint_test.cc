#include "testimonials/embed_endpoint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "testimonials/embed_script.h"

namespace callexa {
namespace {

using nlohmann::json;

class FakeTestimonials : public TestimonialStore {
 public:
  Result<std::vector<TestimonialView>> ListTestimonials(
      const TestimonialQuery &) override {
    return std::vector<TestimonialView>{};
  }
  Result<TestimonialView> ModerateTestimonial(int64_t, int64_t, const Moderation &,
                                              int64_t) override {
    return Status::NotFound("none");
  }
  Result<std::optional<PublishedSet>> PublishedTestimonials(const std::string &id,
                                                            int) override {
    if (fail) return Status::Unavailable("busy", "sqlite: locked");
    if (id != "0123456789abcdef") return std::optional<PublishedSet>();
    return std::optional<PublishedSet>(set);
  }
  PublishedSet set;
  bool fail = false;
};

HttpRequest Get(const std::string &path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  return r;
}

std::string Header(const HttpResponse &r, const std::string &name) {
  for (const auto &[k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class EmbedEndpointTest : public ::testing::Test {
 protected:
  EmbedEndpointTest() {
    PublishedTestimonial t;
    t.first_name = "Ada";
    t.last_name = "Lovelace";
    t.text = "<img src=x onerror=alert(1)> & <script>alert(2)</script>";
    t.score = 10;
    t.answered_at = 1795860000;
    store_.set.items.push_back(t);
    PublishedTestimonial anon = t;
    anon.name_format = NameFormat::kAnonymous;
    anon.text = "Quiet praise";
    anon.score = 9;
    store_.set.items.push_back(anon);
  }
  FakeTestimonials store_;
  EmbedEndpoint embed_{&store_};
};

TEST_F(EmbedEndpointTest, JsonHasWhatThePublicMaySeeAndNothingElse) {
  const HttpResponse r = embed_.Handle(Get("0123456789abcdef/testimonials.json"), 0);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.cache, CachePolicy::kShortPublic);
  EXPECT_EQ(Header(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(Header(r, "ETag").empty());
  const json body = json::parse(r.body);
  ASSERT_EQ(body["testimonials"].size(), 2u);
  const json &first = body["testimonials"][0];
  EXPECT_EQ(first,
            json({{"name", "Ada L."},
                  {"text", "<img src=x onerror=alert(1)> & <script>alert(2)</script>"},
                  {"score", 10},
                  {"date", "2026-11-28"}}));
  EXPECT_EQ(body["testimonials"][1]["name"], "A customer");
}

TEST_F(EmbedEndpointTest, TheFallbackPageEscapesEverything) {
  const HttpResponse r = embed_.Handle(Get("0123456789abcdef/testimonials.html"), 0);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_EQ(r.body.find("<img"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(Header(r, "Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_NE(Header(r, "Content-Security-Policy").find("frame-ancestors *"),
            std::string::npos);
}

TEST_F(EmbedEndpointTest, TheScriptIsSmallAndUsesTextNodesOnly) {
  const HttpResponse r = embed_.Handle(Get("0123456789abcdef/testimonials.js"), 0);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.payload(), EmbedScript());
  EXPECT_LT(EmbedScript().size(), 10u * 1024);
  EXPECT_EQ(EmbedScript().find("innerHTML"), std::string_view::npos);
  EXPECT_NE(EmbedScript().find("createTextNode"), std::string_view::npos);
  EXPECT_NE(EmbedScript().find("attachShadow"), std::string_view::npos);
}

TEST_F(EmbedEndpointTest, RevalidatesWithTheETag) {
  const HttpResponse first = embed_.Handle(Get("0123456789abcdef/testimonials.json"), 0);
  HttpRequest again = Get("0123456789abcdef/testimonials.json");
  again.if_none_match = Header(first, "ETag");
  const HttpResponse second = embed_.Handle(again, 0);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.payload().empty());
  EXPECT_EQ(Header(second, "ETag"), Header(first, "ETag"));
  store_.set.items.pop_back();  // the content changed: a new tag
  EXPECT_EQ(embed_.Handle(again, 0).status, 200);
}

TEST_F(EmbedEndpointTest, AllowedOriginsOnly) {
  store_.set.embed_origins = {"https://acme.example"};
  HttpRequest r = Get("0123456789abcdef/testimonials.json");
  r.origin = "https://acme.example";
  HttpResponse ok = embed_.Handle(r, 0);
  EXPECT_EQ(Header(ok, "Access-Control-Allow-Origin"), "https://acme.example");
  EXPECT_EQ(Header(ok, "Vary"), "Origin");
  r.origin = "https://evil.example";
  EXPECT_EQ(Header(embed_.Handle(r, 0), "Access-Control-Allow-Origin"), "");
  const HttpResponse page = embed_.Handle(Get("0123456789abcdef/testimonials.html"), 0);
  EXPECT_NE(Header(page, "Content-Security-Policy")
                .find("frame-ancestors https://acme.example"),
            std::string::npos);
}

TEST_F(EmbedEndpointTest, BadRequests) {
  EXPECT_EQ(embed_.Handle(Get("ffffffffffffffff/testimonials.json"), 0).status, 404);
  EXPECT_EQ(embed_.Handle(Get("0123456789abcdef/other.json"), 0).status, 404);
  EXPECT_EQ(embed_.Handle(Get("../etc/testimonials.json"), 0).status, 404);
  EXPECT_EQ(embed_.Handle(Get(""), 0).status, 404);
  HttpRequest post = Get("0123456789abcdef/testimonials.json");
  post.method = "POST";
  EXPECT_EQ(embed_.Handle(post, 0).status, 405);
  store_.fail = true;
  const HttpResponse down = embed_.Handle(Get("0123456789abcdef/testimonials.json"), 0);
  EXPECT_EQ(down.status, 503);
  EXPECT_NE(down.diagnostic.find("sqlite: locked"), std::string::npos);
  EXPECT_EQ(down.body.find("sqlite"), std::string::npos);
}

}  // namespace
}  // namespace callexa
