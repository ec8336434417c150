#include "service/service_config.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

TEST(ServiceConfigTest, NormalisesUrlsAndSmtpOff) {
  ServiceConfig c;
  c.public_url = "https://nps.example.com//";
  c.segment_api = "https://api.segment.io/v1/";
  c.smtp_url = "off";
  ASSERT_TRUE(CheckServiceConfig(&c).ok());
  EXPECT_EQ(c.public_url, "https://nps.example.com");
  EXPECT_EQ(c.segment_api, "https://api.segment.io/v1");
  EXPECT_EQ(c.smtp_url, "");
}

TEST(ServiceConfigTest, RefusesWhatNginxTestMustRefuse) {
  const struct {
    void (*change)(ServiceConfig *);
    const char *names;
  } cases[] = {
      {[](ServiceConfig *c) { c->public_url = "javascript:alert(1)"; },
       "callexa_public_url"},
      {[](ServiceConfig *c) { c->segment_api = "ftp://segment"; }, "callexa_segment_api"},
      {[](ServiceConfig *c) { c->mail_from = "Acme <nps@acme"; }, "callexa_mail_from"},
      {[](ServiceConfig *c) { c->sync_interval_ms = 999; }, "callexa_sync_interval"},
  };
  for (const auto &c : cases) {
    ServiceConfig config;
    c.change(&config);
    const Status s = CheckServiceConfig(&config);
    ASSERT_FALSE(s.ok()) << c.names;
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(s.message().find(c.names), std::string::npos) << s.message();
  }
}

TEST(ServiceConfigTest, DeliveryNeedsAPublicUrlAndASender) {
  ServiceConfig c;
  EXPECT_FALSE(DeliveryConfigured(c));
  c.public_url = "https://nps.example.com";
  EXPECT_FALSE(DeliveryConfigured(c));
  c.mail_from = "nps@example.com";
  EXPECT_TRUE(DeliveryConfigured(c));
}

TEST(ServiceConfigTest, HostOfUrl) {
  EXPECT_EQ(HostOfUrl("https://nps.example.com"), "nps.example.com");
  EXPECT_EQ(HostOfUrl("https://nps.example.com:8443/x?y#z"), "nps.example.com");
  EXPECT_EQ(HostOfUrl("http://127.0.0.1:8080"), "127.0.0.1");
  EXPECT_EQ(HostOfUrl("nps.example.com/x"), "nps.example.com");
}

}  // namespace
}  // namespace callexa
