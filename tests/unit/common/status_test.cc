#include "common/status.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(StatusTest, KeepsTheClientMessageApartFromTheDiagnostic) {
  const Status s =
      Status::Unavailable("events not stored, try again", "sqlite: database is locked");
  EXPECT_EQ(s.message(), "events not stored, try again");
  EXPECT_EQ(s.detail(), "sqlite: database is locked");
  EXPECT_EQ(s.ToLogString(), "sqlite: database is locked");
  EXPECT_EQ(Status::NotFound("gone").ToLogString(), "gone");
  const Status moved = s.WithDetail("commit: " + s.detail());
  EXPECT_EQ(moved.code(), Status::Code::kUnavailable);
  EXPECT_EQ(moved.message(), s.message());
  EXPECT_EQ(moved.detail(), "commit: sqlite: database is locked");
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
