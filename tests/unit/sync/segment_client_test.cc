#include "sync/segment_client.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

using Kind = SendVerdict::Kind;
using Transport = SegmentResponse::Transport;

constexpr int64_t kNow = 1795860000;  // Sat, 28 Nov 2026 10:00:00 GMT

SegmentResponse Http(int status, std::string body = "", std::string retry_after = "") {
  SegmentResponse r;
  r.http_status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  return r;
}

SegmentResponse Failed(Transport t) {
  SegmentResponse r;
  r.transport = t;
  r.error = "curl says no";
  return r;
}

TEST(ClassifyResponseTest, SuccessIsAny2xx) {
  EXPECT_EQ(ClassifyResponse(Http(200, "{\"success\":true}"), kNow).kind, Kind::kOk);
  EXPECT_EQ(ClassifyResponse(Http(202), kNow).kind, Kind::kOk);
}

TEST(ClassifyResponseTest, TemporaryFailuresRetry) {
  for (int status : {408, 429, 500, 502, 503, 504, 599}) {
    const SendVerdict v = ClassifyResponse(Http(status, "busy"), kNow);
    EXPECT_EQ(v.kind, Kind::kRetry) << status;
    EXPECT_EQ(v.error, "HTTP " + std::to_string(status) + " from Segment: busy");
    EXPECT_FALSE(v.retry_after_seconds) << status;
  }
  for (Transport t : {Transport::kTimeout, Transport::kConnection}) {
    const SendVerdict v = ClassifyResponse(Failed(t), kNow);
    EXPECT_EQ(v.kind, Kind::kRetry);
    EXPECT_EQ(v.error, "curl says no");
  }
}

TEST(ClassifyResponseTest, RetryAfterIsHonoured) {
  SendVerdict v = ClassifyResponse(Http(429, "", "7"), kNow);
  EXPECT_EQ(v.kind, Kind::kRetry);
  EXPECT_EQ(v.retry_after_seconds, 7);
  v = ClassifyResponse(Http(503, "", "Sat, 28 Nov 2026 10:02:00 GMT"), kNow);
  EXPECT_EQ(v.retry_after_seconds, 120);
}

TEST(ClassifyResponseTest, FinalFailuresAreRejectedWithSegmentsAnswer) {
  for (int status : {400, 401, 403, 404, 413, 501, 301}) {
    const SendVerdict v =
        ClassifyResponse(Http(status, "{\"code\":\"x\",\"message\":\"no\"}"), kNow);
    EXPECT_EQ(v.kind, Kind::kRejected) << status;
    EXPECT_NE(v.error.find("HTTP " + std::to_string(status)), std::string::npos);
    EXPECT_NE(v.error.find("\"message\":\"no\""), std::string::npos);
  }
  EXPECT_EQ(ClassifyResponse(Failed(Transport::kBadUrl), kNow).kind, Kind::kRejected);
  EXPECT_EQ(ClassifyResponse(Failed(Transport::kInterrupted), kNow).kind,
            Kind::kInterrupted);
}

TEST(ClassifyResponseTest, LongAnswerIsTruncatedInTheError) {
  const SendVerdict v = ClassifyResponse(Http(400, std::string(5000, 'e')), kNow);
  EXPECT_LT(v.error.size(), 400u);
  EXPECT_EQ(v.error.substr(v.error.size() - 3), "...");
}

TEST(ParseRetryAfterTest, SecondsAndDatesCappedAtAnHour) {
  EXPECT_EQ(ParseRetryAfter("0", kNow), 0);
  EXPECT_EQ(ParseRetryAfter(" 120 ", kNow), 120);
  EXPECT_EQ(ParseRetryAfter("86400", kNow), kMaxRetryAfterSeconds);
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", kNow), kMaxRetryAfterSeconds);
  EXPECT_EQ(ParseRetryAfter("Sat, 28 Nov 2026 10:00:30 GMT", kNow), 30);
  EXPECT_EQ(ParseRetryAfter("Saturday, 28-Nov-26 10:00:30 GMT", kNow), 30);
  EXPECT_EQ(ParseRetryAfter("Sat Nov 28 10:00:30 2026", kNow), 30);
  EXPECT_EQ(ParseRetryAfter("Fri, 27 Nov 2026 10:00:00 GMT", kNow), 0);  // past
  EXPECT_EQ(ParseRetryAfter("Sun, 29 Nov 2026 10:00:00 GMT", kNow),
            kMaxRetryAfterSeconds);
  EXPECT_FALSE(ParseRetryAfter("", kNow));
  EXPECT_FALSE(ParseRetryAfter("-5", kNow));
  EXPECT_FALSE(ParseRetryAfter("soon", kNow));
}

TEST(BackoffTest, DoublesFromThirtySecondsToAnHourWithJitter) {
  EXPECT_EQ(BackoffSeconds(0, 0.0), 15);
  EXPECT_EQ(BackoffSeconds(0, 0.999999), 29);
  EXPECT_EQ(BackoffSeconds(1, 0.0), 30);
  EXPECT_EQ(BackoffSeconds(3, 0.0), 120);
  EXPECT_EQ(BackoffSeconds(7, 0.0), 1800);  // 3840 capped to 3600
  EXPECT_EQ(BackoffSeconds(1000, 0.0), 1800);
  EXPECT_LE(BackoffSeconds(1000, 1.0), 3600);
  for (int f = 0; f < 12; ++f) {
    EXPECT_LE(BackoffSeconds(f, 0.0), BackoffSeconds(f, 0.5));
    EXPECT_LE(BackoffSeconds(f, 0.5), BackoffSeconds(f, 0.99));
  }
}

}  // namespace
}  // namespace callexa
