#include "admin/dkim_setup.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "mail/dkim_test_keys.h"  // tests/unit/mail
#include "service/service.h"
#include "service/service_config.h"

namespace callexa {
namespace {

std::shared_ptr<const DkimSigner> Signer(const std::string &domain) {
  auto rsa = DkimKey::FromPem(dkimtest::RsaPem(), DkimAlgorithm::kRsaSha256);
  auto ed = DkimKey::FromPem(dkimtest::Ed25519PemFromSeed(dkimtest::kRfc8463Ed25519Seed),
                             DkimAlgorithm::kEd25519Sha256);
  EXPECT_TRUE(rsa.ok() && ed.ok());
  auto signer =
      DkimSigner::Create(domain, "s1", std::move(rsa.value()), std::move(ed.value()));
  EXPECT_TRUE(signer.ok());
  return signer.value();
}

TEST(DkimSetupTest, RecordsAndAlignment) {
  EXPECT_TRUE(DkimSetupJson(nullptr, "nps@acme.example").is_null());
  const auto signer = Signer("acme.example");
  const nlohmann::json j = DkimSetupJson(signer.get(), "nps@mail.acme.example");
  EXPECT_EQ(j["domain"], "acme.example");
  EXPECT_EQ(j["selector"], "s1");
  ASSERT_EQ(j["records"].size(), 2u);
  EXPECT_EQ(j["records"][0]["algorithm"], "rsa-sha256");
  EXPECT_EQ(j["records"][0]["name"], "s1._domainkey.acme.example");
  EXPECT_EQ(j["records"][0]["value"].get<std::string>().rfind("v=DKIM1; k=rsa; p=MII", 0),
            0u);
  EXPECT_EQ(j["records"][1]["name"], "s1-ed25519._domainkey.acme.example");
  EXPECT_EQ(j["records"][1]["value"],
            std::string("v=DKIM1; k=ed25519; p=") + dkimtest::kRfc8463Ed25519Public);
  EXPECT_EQ(j["from_domain"], "mail.acme.example");
  EXPECT_EQ(j["aligned"], true);
  EXPECT_EQ(DkimSetupJson(signer.get(), "nps@other.example")["aligned"], false);
  const nlohmann::json unset = DkimSetupJson(signer.get(), "");
  EXPECT_TRUE(unset["from_domain"].is_null());
  EXPECT_TRUE(unset["aligned"].is_null());
}

TEST(DkimSetupTest, TheWorkerWarnsOfAMisalignedDomain) {
  ServiceConfig config;
  config.mail_from = "Acme NPS <nps@mail.acme.example>";
  EXPECT_EQ(DkimAlignmentWarning(config), std::nullopt);  // no DKIM
  config.dkim_signer = Signer("acme.example");
  EXPECT_EQ(DkimAlignmentWarning(config), std::nullopt);
  config.dkim_signer = Signer("mailer.example.net");
  const auto warning = DkimAlignmentWarning(config);
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("signs for mailer.example.net but callexa_mail_from sends from "
                          "mail.acme.example"),
            std::string::npos);
}

TEST(DkimSetupTest, CheckServiceConfigLoadsTheKeysOrNamesTheFile) {
  std::string dir = ::testing::TempDir() + "callexa_dkim_cfg_XXXXXX";
  ASSERT_NE(mkdtemp(&dir[0]), nullptr);
  const std::string key = dir + "/rsa.pem";
  std::ofstream(key) << dkimtest::RsaPem();
  ServiceConfig config;
  ASSERT_TRUE(CheckServiceConfig(&config).ok());
  EXPECT_EQ(config.dkim_signer, nullptr);
  config.dkim = {"acme.example", "s1", key, ""};
  ASSERT_TRUE(CheckServiceConfig(&config).ok());
  ASSERT_NE(config.dkim_signer, nullptr);
  EXPECT_EQ(config.dkim_signer->DnsRecords().size(), 1u);
  config.dkim.key_file = dir + "/missing.pem";
  const Status s = CheckServiceConfig(&config);
  EXPECT_EQ(s.message(), "callexa_dkim: the key file \"" + dir +
                             "/missing.pem\" cannot be read: No such file or directory");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callexa
