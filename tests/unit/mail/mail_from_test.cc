#include "mail/mail_from.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(ParseMailFromTest, AcceptsNameAndAddressOrABareAddress) {
  auto a = ParseMailFrom("Acme Support <nps@acme.example>");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().name, "Acme Support");
  EXPECT_EQ(a.value().address, "nps@acme.example");
  a = ParseMailFrom("\"Acme, Inc.\" <nps@acme.example>");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().name, "Acme, Inc.");
  a = ParseMailFrom("nps@acme.example");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().name, "");
  EXPECT_FALSE(ParseMailFrom("Acme <nps@acme.example").ok());
  EXPECT_FALSE(ParseMailFrom("Acme <not an address>").ok());
  EXPECT_FALSE(ParseMailFrom("").ok());
}

}  // namespace
}  // namespace callexa
