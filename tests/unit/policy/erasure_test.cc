#include "policy/erasure.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(ErasureTest, KeyIsAOneWayDigestOfTheAddress) {
  // printf ada@example.com | sha256sum
  EXPECT_EQ(ErasedEmailKey("ada@example.com"),
            "erased:b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72");
  EXPECT_NE(ErasedEmailKey("ada@example.com"), ErasedEmailKey("bob@example.com"));
  EXPECT_EQ(ErasedEmailKey("ada@example.com").find("ada"), std::string::npos);
}

}  // namespace
}  // namespace callexa
