#include "survey/invitation_token.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

const std::string kSecret(32, 's');
constexpr int64_t kNow = 1796000000;

TokenClaims Answer(int64_t id, int64_t expires_at = kNow + 3600) {
  TokenClaims c;
  c.purpose = TokenPurpose::kAnswer;
  c.invitation_id = id;
  c.expires_at = expires_at;
  return c;
}

TEST(InvitationTokenTest, RoundTripsAndIsUrlSafe) {
  const std::string token = SignInvitationToken(Answer(42), kSecret);
  EXPECT_EQ(token.size(), 66u);
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << token;
  auto claims = VerifyInvitationToken(token, TokenPurpose::kAnswer, kSecret, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->invitation_id, 42);
  EXPECT_EQ(claims->expires_at, kNow + 3600);
}

TEST(InvitationTokenTest, RejectsWhatItDidNotSign) {
  const std::string good = SignInvitationToken(Answer(42), kSecret);
  std::string flipped = good;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';  // another invitation id
  TokenClaims unsubscribe = Answer(42);
  unsubscribe.purpose = TokenPurpose::kUnsubscribe;
  const struct {
    const char *what;
    std::string token;
    std::string secret;
    Status::Code want;
  } cases[] = {
      {"empty", "", kSecret, Status::Code::kInvalidArgument},
      {"not base64", "%%%", kSecret, Status::Code::kInvalidArgument},
      {"truncated", good.substr(0, 40), kSecret, Status::Code::kInvalidArgument},
      {"too long", good + good, kSecret, Status::Code::kInvalidArgument},
      {"payload changed", flipped, kSecret, Status::Code::kUnauthorized},
      {"other secret", good, std::string(32, 't'), Status::Code::kUnauthorized},
      {"other purpose", SignInvitationToken(unsubscribe, kSecret), kSecret,
       Status::Code::kUnauthorized},
  };
  for (const auto &c : cases) {
    auto got = VerifyInvitationToken(c.token, TokenPurpose::kAnswer, c.secret, kNow);
    ASSERT_FALSE(got.ok()) << c.what;
    EXPECT_EQ(got.status().code(), c.want) << c.what << ": " << got.status().message();
  }
}

TEST(InvitationTokenTest, ExpiresAtItsTime) {
  const std::string token = SignInvitationToken(Answer(7, kNow + 10), kSecret);
  EXPECT_TRUE(
      VerifyInvitationToken(token, TokenPurpose::kAnswer, kSecret, kNow + 9).ok());
  auto expired = VerifyInvitationToken(token, TokenPurpose::kAnswer, kSecret, kNow + 10);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(expired.status().message(), "this link has expired");
}

TEST(InvitationTokenTest, DistinctInvitationsGetDistinctTokens) {
  EXPECT_NE(SignInvitationToken(Answer(1), kSecret),
            SignInvitationToken(Answer(2), kSecret));
}

}  // namespace
}  // namespace callexa
