#include "http/http_exchange.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace callexa {
namespace {

TEST(HttpExchangeTest, MediaTypeDropsParametersAndCase) {
  const struct {
    const char *content_type;
    const char *want;
  } cases[] = {
      {"application/json", "application/json"},
      {"application/json; charset=utf-8", "application/json"},
      {"Application/JSON;charset=UTF-8", "application/json"},
      {"  application/json \t; charset=utf-8", "application/json"},
      {"text/plain", "text/plain"},
      {"", ""},
      {";", ""},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(MediaType(c.content_type), c.want) << "\"" << c.content_type << "\"";
  }
}

TEST(HttpExchangeTest, QueryParamDecodesValues) {
  const struct {
    const char *query;
    const char *name;
    const char *want;
  } cases[] = {
      {"email=ann%40example.com", "email", "ann@example.com"},
      {"limit=10&email=ann%40example.com&offset=5", "email", "ann@example.com"},
      {"limit=10&offset=5", "offset", "5"},
      {"q=hello+world", "q", "hello world"},  // '+' is a space in forms
      {"q=a%2Bb", "q", "a+b"},                // an encoded '+' stays a '+'
      {"q=%7e%7E", "q", "~~"},                // hex digits in either case
      {"q=100%", "q", "100%"},                // a '%' without two hex digits stays
      {"q=%zz", "q", "%zz"},
      {"q=%4", "q", "%4"},
      {"q=%41", "q", "A"},          // an escape that ends the string
      {"e%6dail=x", "email", "x"},  // names are decoded too
      {"email=", "email", ""},
      {"email", "email", ""},     // present without "="
      {"limit=10", "email", ""},  // missing
      {"", "email", ""},
      {"emailx=1&xemail=2", "email", ""},  // no partial-name matches
      {"email=first&email=second", "email", "first"},
      {"a=1&&email=x", "email", "x"},  // empty pairs are skipped
  };
  for (const auto &c : cases) {
    EXPECT_EQ(QueryParam(c.query, c.name), c.want) << c.query << " [" << c.name << "]";
  }
}

TEST(HttpExchangeTest, QueryParamsListsEveryPairInOrder) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(QueryParams(""), Pairs{});
  EXPECT_EQ(QueryParams("a=1&&trait.plan=pro%20plus&flag&b=x%3Dy+z&a=2"),
            (Pairs{{"a", "1"},
                   {"trait.plan", "pro plus"},
                   {"flag", ""},
                   {"b", "x=y z"},
                   {"a", "2"}}));
}

TEST(HttpExchangeTest, JsonErrorCarriesMessageAndCode) {
  const struct {
    Status status;
    int http;
  } cases[] = {
      {Status::InvalidArgument("traits.email is required"), 400},
      {Status::Unauthorized("invalid API key"), 401},
      {Status::NotFound("say \"hi\"\n"), 404},  // needs JSON escaping
      {Status::TooLarge("too big"), 413},
  };
  for (const auto &c : cases) {
    const HttpResponse r = JsonError(c.status);
    EXPECT_EQ(r.status, c.http) << c.status.message();
    EXPECT_EQ(r.content_type, "application/json");
    const nlohmann::json body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body, nlohmann::json({{"message", c.status.message()}})) << r.body;
  }
}

TEST(HttpExchangeTest, JsonErrorSurvivesInvalidUtf8) {
  // Messages may quote client input; invalid UTF-8 must not throw.
  const HttpResponse r = JsonError(Status::InvalidArgument("bad \xff byte"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(nlohmann::json::accept(r.body)) << r.body;
}

TEST(HttpExchangeTest, JsonResponse) {
  const HttpResponse r = JsonResponse(201, "{\"id\":1}");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "{\"id\":1}");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_TRUE(r.headers.empty());
}

TEST(HttpStatusOfTest, MapsCodesToHttp) {
  const struct {
    Status status;
    int http;
  } cases[] = {
      {Status::Ok(), 200},
      {Status::InvalidArgument("x"), 400},
      {Status::Unauthorized("x"), 401},
      {Status::Forbidden("x"), 403},
      {Status::NotFound("x"), 404},
      {Status::MethodNotAllowed("x"), 405},
      {Status::TooLarge("x"), 413},
      {Status::UnsupportedMedia("x"), 415},
      {Status::NotImplemented("x"), 501},
      {Status::Unavailable("x"), 503},
      {Status::IOError("x"), 500},
  };
  for (const auto &c : cases)
    EXPECT_EQ(HttpStatusOf(c.status), c.http) << c.status.message();
}

}  // namespace
}  // namespace callexa
