#include "ingest/ingest_request.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/encoding.h"
#include "testing/gzip.h"

namespace callexa {
namespace {

using ::callexa::testing::Gzip;

using nlohmann::json;

constexpr char kIdentify[] =
    R"({"type":"identify","userId":"u1","traits":{"email":"Ann@Example.com"}})";

std::string BasicAuth(const std::string &key) {
  return "Basic " + Base64Encode(key + ":");
}

// A well-formed POST; cases change what they test.
HttpRequest Post(std::string path, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.content_type = "application/json";
  r.authorization = BasicAuth("testkey");
  r.body = std::move(body);
  return r;
}

// {"batch":[...]} from message texts.
std::string Batch(const std::vector<std::string> &messages) {
  std::string body = R"({"batch":[)";
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) body += ",";
    body += messages[i];
  }
  return body + "]}";
}

// An identify whose traits hold `padding` extra bytes.
std::string BigIdentify(size_t padding) {
  return R"({"type":"identify","traits":{"email":"big@example.com","pad":")" +
         std::string(padding, 'x') + R"("}})";
}

template <typename Mutate>
HttpRequest Changed(HttpRequest r, Mutate mutate) {
  mutate(&r);
  return r;
}

TEST(IngestRequestTest, DestinationIdentify) {
  HttpRequest r = Post("", kIdentify);
  r.authorization = "Basic dGVzdGtleTo=";  // base64("testkey:")
  std::vector<std::string> unused;
  auto job = ParseIngestRequest(r, IngestApi::kDestination, &unused);
  ASSERT_TRUE(job.ok()) << job.status().message();
  EXPECT_EQ(job->api_key, "testkey");
  ASSERT_EQ(job->identifies.size(), 1u);
  EXPECT_EQ(job->identifies[0].email, "ann@example.com");
  EXPECT_EQ(job->identifies[0].user_id, "u1");
  EXPECT_TRUE(unused.empty());
}

TEST(IngestRequestTest, DestinationRefusesOtherCallTypesAndNamesThem) {
  for (const char *type : {"track", "page", "screen", "group", "alias", "Track"}) {
    std::vector<std::string> unused;
    auto job = ParseIngestRequest(
        Post("", std::string(R"({"type":")") + type + R"(","event":"x"})"),
        IngestApi::kDestination, &unused);
    ASSERT_FALSE(job.ok()) << type;
    EXPECT_EQ(job.status().code(), Status::Code::kNotImplemented) << type;
    ASSERT_EQ(unused.size(), 1u) << type;
    std::string lower = type;
    lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
    EXPECT_EQ(unused[0], lower);
  }
}

TEST(IngestRequestTest, DestinationAcceptsVariants) {
  const struct {
    const char *what;
    HttpRequest request;
  } cases[] = {
      {"charset parameter", Changed(Post("", kIdentify),
                                    [](HttpRequest *r) {
                                      r->content_type = "application/json; charset=utf-8";
                                    })},
      {"lower-case scheme, no padding, a password",
       Changed(Post("", kIdentify),
               [](HttpRequest *r) { r->authorization = "basic dGVzdGtleTpwdw"; })},
      {"Content-Encoding identity",
       Changed(Post("", kIdentify),
               [](HttpRequest *r) { r->content_encoding = "identity"; })},
      {"gzip", Changed(Post("", Gzip(kIdentify)),
                       [](HttpRequest *r) { r->content_encoding = "gzip"; })},
      {"x-gzip, any case",
       Changed(Post("", Gzip(kIdentify)),
               [](HttpRequest *r) { r->content_encoding = "X-GZIP"; })},
  };
  for (const auto &c : cases) {
    auto job = ParseIngestRequest(c.request, IngestApi::kDestination, nullptr);
    ASSERT_TRUE(job.ok()) << c.what << ": " << job.status().message();
    EXPECT_EQ(job->api_key, "testkey") << c.what;
    ASSERT_EQ(job->identifies.size(), 1u) << c.what;
    EXPECT_EQ(job->identifies[0].email, "ann@example.com") << c.what;
  }
}

// Every failure: the HTTP status and a piece of the message.
struct ErrorCase {
  const char *what;
  HttpRequest request;
  int http;
  const char *message_part;
};

void ExpectErrors(const ErrorCase *cases, size_t n, IngestApi endpoint) {
  for (size_t i = 0; i < n; ++i) {
    const ErrorCase &c = cases[i];
    auto job = ParseIngestRequest(c.request, endpoint, nullptr);
    ASSERT_FALSE(job.ok()) << c.what;
    EXPECT_EQ(HttpStatusOf(job.status()), c.http)
        << c.what << ": " << job.status().message();
    EXPECT_NE(job.status().message().find(c.message_part), std::string::npos)
        << c.what << ": \"" << job.status().message() << "\" lacks \"" << c.message_part
        << "\"";
  }
}

TEST(IngestRequestTest, DestinationErrors) {
  const ErrorCase cases[] = {
      {"no Authorization",
       Changed(Post("", kIdentify), [](HttpRequest *r) { r->authorization.clear(); }),
       401, "missing API key"},
      {"writeKey in the body is not enough for the destination",
       Changed(Post("", R"({"type":"identify","writeKey":"testkey",
                            "traits":{"email":"a@b.co"}})"),
               [](HttpRequest *r) { r->authorization.clear(); }),
       401, "missing API key"},
      {"Bearer",
       Changed(Post("", kIdentify),
               [](HttpRequest *r) { r->authorization = "Bearer testkey"; }),
       401, "Basic"},
      {"bare scheme",
       Changed(Post("", kIdentify), [](HttpRequest *r) { r->authorization = "Basic "; }),
       401, "Basic"},
      {"not base64",
       Changed(Post("", kIdentify),
               [](HttpRequest *r) { r->authorization = "Basic ***"; }),
       401, "base64"},
      {"empty key",
       Changed(Post("", kIdentify),
               [](HttpRequest *r) { r->authorization = BasicAuth(""); }),
       401, "empty API key"},
      {"track call", Post("", R"({"type":"track","event":"Signed Up"})"), 501,
       "\"track\""},
      {"GET", Changed(Post("", kIdentify), [](HttpRequest *r) { r->method = "GET"; }),
       405, "GET"},
      {"PUT", Changed(Post("", kIdentify), [](HttpRequest *r) { r->method = "PUT"; }),
       405, "POST"},
      {"text/plain",
       Changed(Post("", kIdentify),
               [](HttpRequest *r) { r->content_type = "text/plain"; }),
       415, "application/json"},
      {"no Content-Type",
       Changed(Post("", kIdentify), [](HttpRequest *r) { r->content_type.clear(); }), 415,
       "application/json"},
      {"form",
       Changed(
           Post("", kIdentify),
           [](HttpRequest *r) { r->content_type = "application/x-www-form-urlencoded"; }),
       415, "application/json"},
      {"32 KB + 1", Post("", std::string(32 * 1024 + 1, ' ')), 413, "32 KB"},
      {"malformed JSON", Post("", R"({"type":"identify",)"), 400, "not valid JSON"},
      {"number beyond a double",
       Post("", R"({"type":"identify","traits":{"email":"a@b.co","x":1e400}})"), 400,
       "not valid JSON"},
      {"empty body", Post("", ""), 400, "empty"},
      {"array body", Post("", "[]"), 400, "body must be a JSON object"},
      {"invalid identify", Post("", R"({"type":"identify","traits":{}})"), 400,
       "traits.email is required"},
      {"brotli",
       Changed(Post("", kIdentify), [](HttpRequest *r) { r->content_encoding = "br"; }),
       415, "Content-Encoding"},
      {"gzip header on a plain body",
       Changed(Post("", kIdentify), [](HttpRequest *r) { r->content_encoding = "gzip"; }),
       400, "gzip"},
      {"gzip inflating past 32 KB",
       Changed(Post("", Gzip(BigIdentify(40 * 1024))),
               [](HttpRequest *r) { r->content_encoding = "gzip"; }),
       413, "KB"},
  };
  ExpectErrors(cases, std::size(cases), IngestApi::kDestination);
}

TEST(IngestRequestTest, DestinationAcceptsExactly32KB) {
  std::string body = BigIdentify(0);
  body = BigIdentify(32 * 1024 - body.size());
  ASSERT_EQ(body.size(), 32u * 1024);
  auto job = ParseIngestRequest(Post("", body), IngestApi::kDestination, nullptr);
  ASSERT_TRUE(job.ok()) << job.status().message();
  EXPECT_EQ(job->identifies.size(), 1u);
}

TEST(IngestRequestTest, TrackingApiCalls) {
  const struct {
    const char *what;
    HttpRequest request;
    const char *api_key;
    size_t identifies;
    size_t unused_calls;
  } cases[] = {
      {"identify", Post("identify", kIdentify), "testkey", 1, 0},
      {"identify with slashes", Post("/identify/", kIdentify), "testkey", 1, 0},
      {"writeKey in the body",
       Changed(Post("identify", R"({"type":"identify","writeKey":"bodykey",
                                    "traits":{"email":"a@b.co"}})"),
               [](HttpRequest *r) { r->authorization.clear(); }),
       "bodykey", 1, 0},
      {"Authorization wins over writeKey",
       Post("identify", R"({"type":"identify","writeKey":"bodykey",
                            "traits":{"email":"a@b.co"}})"),
       "testkey", 1, 0},
      // Segment's documented /v1/identify body has no "type": the path names the call.
      {"identify without type",
       Post("identify", R"({"userId":"u1","traits":{"email":"a@b.co"}})"), "testkey", 1,
       0},
      {"track", Post("track", R"({"event":"Signed Up","userId":"u1"})"), "testkey", 0, 1},
      {"page", Post("page", R"({"type":"page","name":"Home"})"), "testkey", 0, 1},
      {"screen", Post("screen", "{}"), "testkey", 0, 1},
      {"group", Post("group", R"({"groupId":"g"})"), "testkey", 0, 1},
      {"alias", Post("alias", R"({"previousId":"a","userId":"b"})"), "testkey", 0, 1},
      {"track with writeKey only",
       Changed(Post("track", R"({"event":"x","writeKey":"bodykey"})"),
               [](HttpRequest *r) { r->authorization.clear(); }),
       "bodykey", 0, 1},
      {"mixed batch",
       Post("batch",
            Batch({kIdentify, R"({"type":"track","event":"Signed Up"})",
                   R"({"type":"page"})",
                   R"({"type":"identify","traits":{"email":"bob@example.com"}})"})),
       "testkey", 2, 2},
      {"import is batch", Post("import", Batch({kIdentify})), "testkey", 1, 0},
      {"empty batch", Post("batch", Batch({})), "testkey", 0, 0},
      {"batch with writeKey",
       Changed(Post("batch", R"({"writeKey":"bodykey","batch":[{"type":"alias"}]})"),
               [](HttpRequest *r) { r->authorization.clear(); }),
       "bodykey", 0, 1},
      {"gzip batch",
       Changed(Post("batch", Gzip(Batch({kIdentify, R"({"type":"track"})"}))),
               [](HttpRequest *r) { r->content_encoding = "gzip"; }),
       "testkey", 1, 1},
      // Up to 500 KB may hold messages of up to 32 KB each.
      {"batch of large messages",
       Post("batch", Batch({BigIdentify(30000), BigIdentify(30000), BigIdentify(30000)})),
       "testkey", 3, 0},
  };
  for (const auto &c : cases) {
    std::vector<std::string> unused;
    auto job = ParseIngestRequest(c.request, IngestApi::kTrackingApi, &unused);
    ASSERT_TRUE(job.ok()) << c.what << ": " << job.status().message();
    EXPECT_EQ(job->api_key, c.api_key) << c.what;
    EXPECT_EQ(job->identifies.size(), c.identifies) << c.what;
    EXPECT_EQ(unused.size(), c.unused_calls) << c.what;
  }
}

TEST(IngestRequestTest, TrackingApiBatchOfTheMaximumSize) {
  std::vector<std::string> messages(kMaxBatchMessages, R"({"type":"track"})");
  messages[7] = kIdentify;
  std::vector<std::string> unused;
  auto job = ParseIngestRequest(Post("batch", Batch(messages)), IngestApi::kTrackingApi,
                                &unused);
  ASSERT_TRUE(job.ok()) << job.status().message();
  EXPECT_EQ(job->identifies.size(), 1u);
  EXPECT_EQ(unused.size(), kMaxBatchMessages - 1);
  EXPECT_EQ(unused[0], "track");
}

TEST(IngestRequestTest, TrackingApiErrors) {
  const std::vector<std::string> too_many(kMaxBatchMessages + 1, R"({"type":"track"})");
  const ErrorCase cases[] = {
      {"unknown call", Post("nope", kIdentify), 404, "\"nope\""},
      {"empty path", Post("", kIdentify), 404, "unknown API call"},
      {"paths are relative to /v1/", Post("v1/identify", kIdentify), 404,
       "unknown API call"},
      {"unknown call, wrong method too",
       Changed(Post("nope", kIdentify), [](HttpRequest *r) { r->method = "GET"; }), 404,
       "unknown API call"},
      {"GET identify",
       Changed(Post("identify", kIdentify), [](HttpRequest *r) { r->method = "GET"; }),
       405, "POST"},
      {"text/plain batch",
       Changed(Post("batch", Batch({kIdentify})),
               [](HttpRequest *r) { r->content_type = "text/plain"; }),
       415, "application/json"},
      {"no key anywhere",
       Changed(Post("identify", kIdentify),
               [](HttpRequest *r) { r->authorization.clear(); }),
       401, "missing write key"},
      {"writeKey not a string",
       Changed(Post("identify",
                    R"({"type":"identify","writeKey":7,"traits":{"email":"a@b.co"}})"),
               [](HttpRequest *r) { r->authorization.clear(); }),
       401, "missing write key"},
      {"malformed JSON", Post("batch", "{\"batch\":[}"), 400, "not valid JSON"},
      {"identify over 32 KB", Post("identify", BigIdentify(33 * 1024)), 413, "32 KB"},
      {"batch over 500 KB", Post("batch", Batch({BigIdentify(501 * 1024)})), 413,
       "500 KB"},
      {"batch missing", Post("batch", R"({"messages":[]})"), 400, "batch is required"},
      {"batch not an array", Post("batch", R"({"batch":{}})"), 400,
       "batch must be an array"},
      {"batch body not an object", Post("batch", "[]"), 400,
       "body must be a JSON object"},
      {"track body not an object", Post("track", "[1]"), 400,
       "body must be a JSON object"},
      {"2501 messages", Post("batch", Batch(too_many)), 400, "at most 2500"},
      {"a message over 32 KB",
       Post("batch", Batch({kIdentify, BigIdentify(33 * 1024), kIdentify})), 413,
       "batch[1] is larger than 32 KB"},
      {"invalid identify in a batch",
       Post("batch", Batch({kIdentify, kIdentify, R"({"type":"track"})",
                            R"({"type":"identify","traits":{"email":7}})"})),
       400, "batch[3].traits.email must be a string"},
      {"missing email in a batch",
       Post("batch", Batch({kIdentify, R"({"type":"identify","traits":{}})"})), 400,
       "batch[1].traits.email is required"},
      {"batch item not an object", Post("batch", Batch({kIdentify, "42"})), 400,
       "batch[1] must be a JSON object"},
      {"batch item without type", Post("batch", Batch({R"({"traits":{}})"})), 400,
       "batch[0].type is required"},
      {"deflate is not supported",
       Changed(Post("identify", kIdentify),
               [](HttpRequest *r) { r->content_encoding = "deflate"; }),
       415, "\"deflate\""},
      {"garbage gzip",
       Changed(Post("batch", "\x1f\x8b garbage"),
               [](HttpRequest *r) { r->content_encoding = "gzip"; }),
       400, "gzip"},
      {"truncated gzip",
       Changed(Post("batch", Gzip(Batch({kIdentify})).substr(0, 20)),
               [](HttpRequest *r) { r->content_encoding = "gzip"; }),
       400, "gzip"},
      {"gzip inflating past 500 KB",
       Changed(Post("batch", Gzip(Batch({std::string(600 * 1024, ' ')}))),
               [](HttpRequest *r) { r->content_encoding = "gzip"; }),
       413, "KB"},
  };
  ExpectErrors(cases, std::size(cases), IngestApi::kTrackingApi);
}

TEST(IngestRequestTest, MaxIngestBodyBytes) {
  const struct {
    IngestApi endpoint;
    const char *path;
    size_t want;
  } cases[] = {
      {IngestApi::kDestination, "", kMaxMessageBytes},
      {IngestApi::kDestination, "batch", kMaxMessageBytes},
      {IngestApi::kTrackingApi, "identify", kMaxMessageBytes},
      {IngestApi::kTrackingApi, "track", kMaxMessageBytes},
      {IngestApi::kTrackingApi, "batch", kMaxBatchBytes},
      {IngestApi::kTrackingApi, "/batch/", kMaxBatchBytes},
      {IngestApi::kTrackingApi, "import", kMaxBatchBytes},
      {IngestApi::kTrackingApi, "nope", kMaxMessageBytes},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(MaxIngestBodyBytes(c.endpoint, c.path), c.want) << c.path;
  }
}

TEST(IngestRequestTest, IngestJobResponse) {
  IngestJob done;
  done.stored = 3;
  HttpResponse ok = IngestJobResponse(done);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(json::parse(ok.body), json({{"success", true}}));

  IngestJob refused;
  refused.status = Status::Unauthorized("invalid API key");
  HttpResponse bad = IngestJobResponse(refused);
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(json::parse(bad.body), json({{"message", "invalid API key"}}));

  IngestJob failed;
  failed.status = Status::Unavailable("events not stored, try again");
  EXPECT_EQ(IngestJobResponse(failed).status, 503);
}

}  // namespace
}  // namespace callexa
