#include "common/status.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(StatusTest, MapsCodesToHttp) {
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
    EXPECT_EQ(c.status.http_status(), c.http) << c.status.message();
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  Result<int> ok(7);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 7);
  Result<int> bad(Status::NotFound("gone"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "gone");
}

}  // namespace
}  // namespace callexa
