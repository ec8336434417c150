#include "webhooks/webhook_signature.h"

#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"

namespace callexa {
namespace {

// The vector of the Standard Webhooks reference libraries' tests
// (libraries/python/tests/test_webhooks.py, test_sign_function).
TEST(WebhookSignatureTest, MatchesTheStandardWebhooksVector) {
  auto sig = StandardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                               "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                               R"({"test": 2432232314})");
  ASSERT_TRUE(sig.ok()) << sig.status().message();
  EXPECT_EQ(*sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // The same secret without its prefix signs alike.
  auto bare = StandardSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                R"({"test": 2432232314})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, *sig);
}

TEST(WebhookSignatureTest, EveryPartIsSigned) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string base = *StandardSignature(secret, "msg_1", 1614265330, "{}");
  EXPECT_NE(*StandardSignature(secret, "msg_2", 1614265330, "{}"), base);
  EXPECT_NE(*StandardSignature(secret, "msg_1", 1614265331, "{}"), base);
  EXPECT_NE(*StandardSignature(secret, "msg_1", 1614265330, "{} "), base);
  EXPECT_NE(*StandardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSX", "msg_1",
                               1614265330, "{}"),
            base);
}

TEST(WebhookSignatureTest, RefusesSecretsThatAreNotBase64) {
  for (const char *secret : {"whsec_", "", "whsec_not base64!", "whsec_%%%%"}) {
    auto sig = StandardSignature(secret, "msg_1", 1, "{}");
    EXPECT_FALSE(sig.ok()) << secret;
    if (!sig.ok()) {
      EXPECT_EQ(sig.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

TEST(WebhookSignatureTest, NewSecretsAre32RandomBytes) {
  const std::string a = NewWebhookSecret(), b = NewWebhookSecret();
  ASSERT_EQ(a.rfind("whsec_", 0), 0u) << a;
  auto key = Base64Decode(a.substr(6));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(StandardSignature(a, "msg_1", 1, "{}").ok());
}

TEST(WebhookSignatureTest, NewMessageIdsAreUnguessable) {
  const std::string a = NewWebhookMessageId(), b = NewWebhookMessageId();
  EXPECT_EQ(a.rfind("msg_", 0), 0u) << a;
  EXPECT_EQ(a.size(), 4u + 32u);
  EXPECT_EQ(a.find_first_not_of("msg_0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace callexa
