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

TEST(ServiceConfigTest, DatabaseIsAFileOrAPostgresqlStringWithoutPassword) {
  EXPECT_FALSE(DatabaseIsServer("/var/lib/callexa/callexa.db"));
  EXPECT_FALSE(DatabaseIsServer("data/a=b/callexa.db"));
  EXPECT_TRUE(DatabaseIsServer("postgresql://callexa@db/callexa?passfile=/etc/pgpass"));
  EXPECT_TRUE(DatabaseIsServer("postgres://db/callexa"));
  EXPECT_TRUE(DatabaseIsServer("host=db dbname=callexa"));

  ServiceConfig ok;
  ok.database_path =
      "postgresql://callexa@db1:5432,db2:5432/callexa?"
      "target_session_attrs=read-write&sslmode=verify-full";
  EXPECT_TRUE(CheckServiceConfig(&ok).ok());

  for (const char *with_password :
       {"postgresql://callexa:s3cret@db/callexa", "host=db password=s3cret dbname=x"}) {
    ServiceConfig config;
    config.database_path = with_password;
    const Status s = CheckServiceConfig(&config);
    ASSERT_FALSE(s.ok()) << with_password;
    EXPECT_NE(s.message().find("callexa_database"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("passfile"), std::string::npos) << s.message();
    EXPECT_EQ(s.ToLogString().find("s3cret"), std::string::npos) << s.ToLogString();
  }
  ServiceConfig malformed;
  malformed.database_path = "postgresql://db/callexa?no_such_option=1";
  const Status s = CheckServiceConfig(&malformed);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("callexa_database"), std::string::npos) << s.message();
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
