#include "mail/dkim_signer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "dkim_test_keys.h"
#include "mail/dkim_canon.h"
#include "mail/dkim_key.h"
#include "mail_test_util.h"

namespace callexa {
namespace {

namespace fs = std::filesystem;
using dkimtest::Verify;

constexpr int64_t kNow = 1795860000;  // 2026-11-28T10:00:00Z

// RFC 8463 Appendix A: the message and its ed25519-sha256 signature.
constexpr char kRfcMessage[] =
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";
constexpr char kRfcSignatureWithoutB[] =
    " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=";
constexpr char kRfcB[] =
    "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+"
    "eXdp1Q1Dw==";

std::unique_ptr<DkimKey> RfcEd25519Key() {
  auto key = DkimKey::FromPem(dkimtest::Ed25519PemFromSeed(dkimtest::kRfc8463Ed25519Seed),
                              DkimAlgorithm::kEd25519Sha256);
  EXPECT_TRUE(key.ok()) << key.status().message();
  return key.ok() ? std::move(key.value()) : nullptr;
}

std::unique_ptr<DkimKey> RsaKey() {
  auto key = DkimKey::FromPem(dkimtest::RsaPem(), DkimAlgorithm::kRsaSha256);
  EXPECT_TRUE(key.ok()) << key.status().message();
  return key.ok() ? std::move(key.value()) : nullptr;
}

std::shared_ptr<const DkimSigner> Signer(bool with_ed25519 = true) {
  auto signer = DkimSigner::Create("Example.COM", "callexa2026", RsaKey(),
                                   with_ed25519 ? RfcEd25519Key() : nullptr);
  EXPECT_TRUE(signer.ok()) << signer.status().message();
  return signer.ok() ? signer.value() : nullptr;
}

// A message like ours: folded headers, quoted-printable lines, both
// List-Unsubscribe fields, no Reply-To.
constexpr char kMessage[] =
    "From: \"Acme Support\" <nps@example.com>\r\n"
    "To: \"Ada Lovelace\" <ada@example.org>\r\n"
    "Subject: =?UTF-8?Q?How_likely_are_you_to_recommend_Acme=3F?=\r\n"
    "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <5f2b9c0e41d7a3b8@nps.example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "List-Unsubscribe: <https://nps.example.com/s/tok/one-click>,\r\n"
    " <mailto:nps@example.com?subject=unsubscribe>\r\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hello Ada,  \r\n"
    "How likely are you to recommend us? =E2=80=94 0 to 10.\r\n"
    "\r\n";

TEST(DkimKeyTest, Rfc8463AppendixAEd25519) {
  const std::unique_ptr<DkimKey> key = RfcEd25519Key();
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->DnsRecord(),
            std::string("v=DKIM1; k=ed25519; p=") + dkimtest::kRfc8463Ed25519Public);
  auto split = SplitMessage(kRfcMessage);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(DkimBodyHash(split->body), "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
  // The signed data: the h= fields, then the signature field with b=
  // empty, relaxed and without its CRLF. Ed25519 is deterministic, so the
  // signature is the RFC's to the byte.
  std::string data = RelaxedSignedHeaders(
      split->headers,
      {"from", "to", "subject", "date", "message-id", "from", "subject", "date"});
  const std::string self = RelaxedHeader("DKIM-Signature", kRfcSignatureWithoutB);
  data.append(self, 0, self.size() - 2);
  auto signature = key->Sign(data);
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(Base64Encode(*signature), kRfcB);
  // And the independent verifier accepts the RFC's signed message.
  const std::string signed_message = std::string("DKIM-Signature:") +
                                     kRfcSignatureWithoutB + kRfcB + "\r\n" + kRfcMessage;
  EXPECT_EQ(Verify(signed_message, key->DnsRecord()), "");
}

TEST(DkimKeyTest, RsaRecordIsTheSubjectPublicKeyInfo) {
  const std::unique_ptr<DkimKey> key = RsaKey();
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->bits(), 2048);
  const std::string record = key->DnsRecord();
  ASSERT_EQ(record.rfind("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", 0), 0u)
      << record;
  EXPECT_EQ(Base64Decode(record.substr(18)).value_or("").size(), 294u);
}

TEST(DkimKeyTest, RefusesBadKeysWithoutQuotingThem) {
  struct Case {
    std::string pem;
    DkimAlgorithm algorithm;
    const char *problem;
  } cases[] = {
      {dkimtest::kRfc8463Rsa1024Pem, DkimAlgorithm::kRsaSha256,
       "is a 1024-bit RSA key; DKIM needs 2048 bits or more"},
      {"garbage\nnot a key\n", DkimAlgorithm::kRsaSha256,
       "is not an unencrypted PEM private key"},
      {"", DkimAlgorithm::kRsaSha256, "is not an unencrypted PEM private key"},
      {dkimtest::Ed25519PemFromSeed(dkimtest::kRfc8463Ed25519Seed),
       DkimAlgorithm::kRsaSha256, "is not an RSA private key"},
      {dkimtest::RsaPem(), DkimAlgorithm::kEd25519Sha256,
       "is not an Ed25519 private key"},
  };
  for (const Case &c : cases) {
    auto key = DkimKey::FromPem(c.pem, c.algorithm);
    ASSERT_FALSE(key.ok()) << c.problem;
    EXPECT_EQ(key.status().message().rfind(c.problem, 0), 0u) << key.status().message();
    EXPECT_EQ(key.status().message().find("MII"), std::string::npos);
  }
}

class DkimFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "callexa_dkim_XXXXXX";
    ASSERT_NE(mkdtemp(&tmpl[0]), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string &name, const std::string &text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  fs::path dir_;
};

TEST_F(DkimFileTest, LoadNamesTheDirectiveAndTheFile) {
  const std::string rsa = Write("rsa.pem", dkimtest::RsaPem());
  const std::string ed =
      Write("ed.pem", dkimtest::Ed25519PemFromSeed(dkimtest::kRfc8463Ed25519Seed));
  const std::string weak = Write("weak.pem", dkimtest::kRfc8463Rsa1024Pem);
  const std::string garbage = Write("garbage.pem", "hello\n");
  const std::string missing = (dir_ / "missing.pem").string();
  auto ok = DkimSigner::Load({"example.com", "s1", rsa, ed});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok.value()->ed25519_selector(), "s1-ed25519");
  struct Case {
    DkimSettings settings;
    std::string message;
  } cases[] = {
      {{"example.com", "s1", weak, ""},
       "callexa_dkim: the key file \"" + weak +
           "\" is a 1024-bit RSA key; DKIM needs 2048 bits or more"},
      {{"example.com", "s1", missing, ""},
       "callexa_dkim: the key file \"" + missing +
           "\" cannot be read: No such file or directory"},
      {{"example.com", "s1", garbage, ""},
       "callexa_dkim: the key file \"" + garbage + "\" is not"},
      {{"example.com", "s1", rsa, rsa},
       "callexa_dkim: the key file \"" + rsa + "\" is not an Ed25519"},
      {{"example.com", "s1", ed, ""},
       "callexa_dkim: the key file \"" + ed + "\" is not an RSA"},
      {{"exa mple.com", "s1", rsa, ""}, "callexa_dkim: invalid domain \"exa mple.com\""},
      {{"bücher.example", "s1", rsa, ""}, "callexa_dkim: invalid domain"},
      {{"example.com", "s_1", rsa, ""}, "callexa_dkim: invalid selector \"s_1\""},
  };
  for (const Case &c : cases) {
    auto signer = DkimSigner::Load(c.settings);
    ASSERT_FALSE(signer.ok()) << c.message;
    EXPECT_EQ(signer.status().message().rfind(c.message, 0), 0u)
        << signer.status().message();
  }
}

TEST(DkimSignerTest, SignsWithBothKeysAndBothVerify) {
  const auto signer = Signer();
  ASSERT_NE(signer, nullptr);
  auto signed_message = signer->Sign(kMessage, kNow);
  ASSERT_TRUE(signed_message.ok()) << signed_message.status().message();
  const std::vector<DkimDnsRecord> records = signer->DnsRecords();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].name, "callexa2026._domainkey.example.com");
  EXPECT_EQ(records[1].name, "callexa2026-ed25519._domainkey.example.com");
  EXPECT_EQ(records[1].value,
            std::string("v=DKIM1; k=ed25519; p=") + dkimtest::kRfc8463Ed25519Public);
  EXPECT_EQ(Verify(*signed_message, records[0].value, 0), "");
  EXPECT_EQ(Verify(*signed_message, records[1].value, 1), "");
  // The message itself follows, unchanged.
  EXPECT_EQ(signed_message->substr(signed_message->size() - sizeof kMessage + 1),
            kMessage);
  EXPECT_TRUE(CheckWireForm(*signed_message).ok());
}

TEST(DkimSignerTest, SignatureFieldHasTheRequiredTagsAndFolds) {
  auto signed_message = Signer()->Sign(kMessage, kNow);
  ASSERT_TRUE(signed_message.ok());
  auto split = SplitMessage(*signed_message);
  ASSERT_TRUE(split.ok());
  ASSERT_GE(split->headers.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(split->headers[i].name, "DKIM-Signature");
    const auto tags = dkimtest::Tags(split->headers[i].value);
    EXPECT_EQ(tags.at("v"), "1");
    EXPECT_EQ(tags.at("a"), i == 0 ? "rsa-sha256" : "ed25519-sha256");
    EXPECT_EQ(tags.at("c"), "relaxed/relaxed");
    EXPECT_EQ(tags.at("d"), "example.com");
    EXPECT_EQ(tags.at("s"), i == 0 ? "callexa2026" : "callexa2026-ed25519");
    EXPECT_EQ(tags.at("t"), std::to_string(kNow));
    EXPECT_EQ(tags.count("l"), 0u);
    EXPECT_EQ(tags.count("x"), 0u);
    // Each name once per field present, plus once more; Reply-To is
    // absent, so listed once: adding one breaks the signature.
    EXPECT_EQ(
        tags.at("h"),
        "From:From:To:To:Subject:Subject:Date:Date:Message-ID:Message-ID:"
        "MIME-Version:MIME-Version:Content-Type:Content-Type:Reply-To:"
        "List-Unsubscribe:List-Unsubscribe:List-Unsubscribe-Post:List-Unsubscribe-Post");
  }
  // Every line of the signature fields within 78 characters.
  const std::string head = signed_message->substr(0, signed_message->find("\r\nFrom:"));
  for (const std::string &line : mailtest::SplitLines(head)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(DkimSignerTest, ChangesInTransitBreakTheSignature) {
  const auto signer = Signer();
  auto signed_message = signer->Sign(kMessage, kNow);
  ASSERT_TRUE(signed_message.ok());
  const auto records = signer->DnsRecords();
  const std::string original = *signed_message;
  const size_t body = original.find("\r\n\r\n") + 4;
  struct Change {
    const char *what;
    std::string message;
  } changes[] = {
      {"a second Subject", original.substr(0, body - 2) + "Subject: Win a prize\r\n" +
                               original.substr(body - 2)},
      {"an added Reply-To", original.substr(0, body - 2) +
                                "Reply-To: evil@example.net\r\n" +
                                original.substr(body - 2)},
      {"a body byte", original.substr(0, body) + "J" + original.substr(body + 1)},
      {"the Subject",
       [&] {
         std::string m = original;
         m.replace(m.find("Acme=3F"), 7, "Acmf=3F");
         return m;
       }()},
  };
  for (const Change &c : changes) {
    EXPECT_NE(Verify(c.message, records[0].value, 0), "") << c.what;
    EXPECT_NE(Verify(c.message, records[1].value, 1), "") << c.what;
  }
  // Relaxed canonicalization survives what relays do to white space.
  std::string rewrapped = original;
  rewrapped.replace(rewrapped.find("Subject: "), 9, "Subject:   ");
  rewrapped.replace(rewrapped.find("Hello Ada,  "), 12, "Hello  Ada,");
  EXPECT_EQ(Verify(rewrapped, records[0].value, 0), "");
  EXPECT_EQ(Verify(rewrapped, records[1].value, 1), "");
}

TEST(DkimSignerTest, RefusesMessagesNotFitToSend) {
  const auto signer = Signer(false);
  EXPECT_FALSE(signer->Sign("Subject: x\n\nbody\n", kNow).ok());
  EXPECT_FALSE(signer->Sign("Subject: caf\xc3\xa9\r\n\r\nbody\r\n", kNow).ok());
  auto one = signer->Sign(kMessage, kNow);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(signer->DnsRecords().size(), 1u);
  EXPECT_EQ(one->find("ed25519"), std::string::npos);
}

TEST(DkimSignerTest, EmptyBodyHash) {
  EXPECT_EQ(DkimBodyHash(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(DkimBodyHash("\r\n\r\n"), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(DkimSignerTest, Alignment) {
  struct Case {
    const char *dkim, *from;
    bool aligned;
  } cases[] = {
      {"example.com", "example.com", true},
      {"example.com", "mail.example.com", true},
      {"mail.example.com", "example.com", true},
      {"Example.COM", "news.example.com", true},
      {"example.com", "example.org", false},
      {"example.com", "badexample.com", false},
      {"mail.example.com", "news.example.com", false},
      {"example.com", "", false},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(DkimAligned(c.dkim, c.from), c.aligned) << c.dkim << " " << c.from;
  }
}

// dkimpy (Debian's python3-dkim), the verifier the issue names, on a
// message signed here, with a stub DNS answer.
TEST_F(DkimFileTest, DkimpyVerifiesBothSignatures) {
  if (std::system("/usr/bin/python3 -c 'import dkim, nacl' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3-dkim is not installed";
  }
  const auto signer = Signer();
  auto signed_message = signer->Sign(kMessage, kNow);
  ASSERT_TRUE(signed_message.ok());
  const auto records = signer->DnsRecords();
  const std::string message = Write("message.eml", *signed_message);
  const std::string script = Write("verify.py", R"(import sys, dkim
records = {sys.argv[2].encode() + b'.': sys.argv[3], sys.argv[4].encode() + b'.': sys.argv[5]}
data = open(sys.argv[1], 'rb').read()
d = dkim.DKIM(data)
print(d.verify(idx=0, dnsfunc=lambda name, timeout=5: records.get(name)),
      d.verify(idx=1, dnsfunc=lambda name, timeout=5: records.get(name)))
)");
  const std::string command = "/usr/bin/python3 " + script + " " + message + " " +
                              records[0].name + " '" + records[0].value + "' " +
                              records[1].name + " '" + records[1].value + "'";
  FILE *pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[256] = "";
  const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  pclose(pipe);
  ASSERT_TRUE(read);
  EXPECT_STREQ(line, "True True\n");
}

}  // namespace
}  // namespace callexa
