#include "mail/dkim_transport.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dkim_test_keys.h"

namespace callexa {
namespace {

class RecordingTransport : public MailTransport {
 public:
  explicit RecordingTransport(std::vector<OutgoingMail> *sent) : sent_(sent) {}
  SendResult Send(const OutgoingMail &mail) override {
    sent_->push_back(mail);
    SendResult r;
    r.outcome = SendOutcome::kSent;
    return r;
  }

 private:
  std::vector<OutgoingMail> *sent_;
};

std::shared_ptr<const DkimSigner> Signer() {
  auto key = DkimKey::FromPem(dkimtest::RsaPem(), DkimAlgorithm::kRsaSha256);
  EXPECT_TRUE(key.ok());
  auto signer = DkimSigner::Create("example.com", "s1", std::move(key.value()), nullptr);
  EXPECT_TRUE(signer.ok());
  return signer.value();
}

TEST(DkimSigningTransportTest, SignsBeforeTheInnerTransportSends) {
  std::vector<OutgoingMail> sent;
  const auto signer = Signer();
  DkimSigningTransport transport(signer, std::make_unique<RecordingTransport>(&sent),
                                 [] { return int64_t{1795860000}; });
  const OutgoingMail mail{"nps@example.com", "ada@example.org", "x@example.com",
                          "From: nps@example.com\r\nTo: ada@example.org\r\n\r\nHi.\r\n"};
  const SendResult result = transport.Send(mail);
  EXPECT_EQ(result.outcome, SendOutcome::kSent);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].envelope_from, mail.envelope_from);
  EXPECT_EQ(sent[0].recipient, mail.recipient);
  EXPECT_EQ(sent[0].message_id, mail.message_id);
  EXPECT_EQ(sent[0].data.rfind("DKIM-Signature: v=1; a=rsa-sha256;", 0), 0u);
  EXPECT_NE(sent[0].data.find("t=1795860000;"), std::string::npos);
  EXPECT_EQ(dkimtest::Verify(sent[0].data, signer->DnsRecords()[0].value), "");
}

TEST(DkimSigningTransportTest, NeverSendsUnsigned) {
  std::vector<OutgoingMail> sent;
  DkimSigningTransport transport(Signer(), std::make_unique<RecordingTransport>(&sent));
  const SendResult result = transport.Send(
      {"nps@example.com", "ada@example.org", "x@example.com", "Subject: x\n\nbare LF\n"});
  EXPECT_EQ(result.outcome, SendOutcome::kTemporaryFailure);
  EXPECT_NE(result.detail.find("lone LF"), std::string::npos) << result.detail;
  EXPECT_TRUE(sent.empty());
}

}  // namespace
}  // namespace callexa
