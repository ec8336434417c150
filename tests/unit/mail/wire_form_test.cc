// Every kind of message Callexa sends is fit to DKIM-sign and to pass any
// relay unchanged: 7-bit, CRLF, lines of at most 998 characters (RFC 5322
// 2.1.1), each text part quoted-printable. A relay that re-encodes an 8-bit
// body, or re-wraps a long line, breaks the body hash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "admin/survey_preview.h"
#include "alerts/alert_email.h"
#include "dkim_test_keys.h"
#include "mail/dkim_canon.h"
#include "mail/dkim_signer.h"
#include "mail/reply_email.h"
#include "mail/survey_email.h"
#include "mail_test_util.h"
#include "reports/report_email.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;

// Text that tempts an encoder to go wrong: non-ASCII, a very long word,
// trailing white space, lone CR and LF, lines starting with "." and "From ".
const std::string kNasty =
    "Grüße — ½ naïve 🙂\n" + std::string(2500, 'x') +
    "\nline with trailing spaces   \n.\n.dot\nFrom here\rlone CR\r\n" +
    std::string(600, ' ') + "end";

std::string Survey(bool test) {
  if (test) {
    auto mail = RenderTestEmail({{"intro", kNasty.substr(0, 1000) + kNasty.substr(2530)}},
                                "ada@example.com", PreviewSettings{},
                                "secret-secret-secret-secret-32by", kNow, "t1", 3);
    EXPECT_TRUE(mail.ok()) << mail.status().message();
    return mail.ok() ? mail->data : "";
  }
  SurveyEmailContent c;
  c.subject = "Wie wahrscheinlich empfehlen Sie uns? " + kNasty;
  c.greeting = "Hallo {first_name},";
  c.question = kNasty;
  c.sender_name = "Acme Grüße";
  c.sender_address = "nps@acme.example";
  SurveyEmailInput in;
  in.recipient = {"ada@example.com", "Ada Lövelace", "Ada"};
  for (int i = 0; i < kScoreCount; ++i) {
    in.links.score_urls[i] = "https://nps.acme.example/s/" + std::string(300, 't') +
                             "?score=" + std::to_string(i);
  }
  in.links.unsubscribe_url = "https://nps.acme.example/s/tok/unsubscribe";
  in.links.one_click_unsubscribe_url = "https://nps.acme.example/s/tok/one-click";
  in.date_unix_seconds = kNow;
  in.message_id_unique = "abc";
  in.message_id_domain = "nps.acme.example";
  auto message = RenderSurveyEmail(c, in);
  EXPECT_TRUE(message.ok()) << message.status().message();
  return message.ok() ? *message : "";
}

NotificationEnvelope Envelope() {
  NotificationEnvelope env;
  env.sender = {"Acme NPS", "nps@acme.example"};
  env.recipient = "owner@acme.example";
  env.date = kNow;
  env.message_id_unique = "n1";
  env.message_id_domain = "nps.acme.example";
  return env;
}

std::string Report() {
  ReportEmailInput in;
  in.survey_name = "Acme " + kNasty;
  ExportRow row;
  row.score = 3;
  row.comment = kNasty;
  row.first_name = "Zoë";
  in.comments = {row};
  in.dashboard_url = "https://nps.acme.example/admin/";
  auto message = RenderReportEmail(in, Envelope());
  EXPECT_TRUE(message.ok()) << message.status().message();
  return message.ok() ? *message : "";
}

std::string Alert() {
  AlertEmailInput in;
  in.survey_name = "Acme";
  in.answer.score = 2;
  in.answer.comment = kNasty;
  in.answered_at = kNow;
  in.email = "ada@example.com";
  in.name = "Ada Lövelace";
  in.traits = {{"note", kNasty.substr(0, 100)}};
  auto message = RenderAlertEmail(in, Envelope());
  EXPECT_TRUE(message.ok()) << message.status().message();
  return message.ok() ? *message : "";
}

std::string Reply() {
  ReplyEmailInput in;
  in.sender_name = "Acme Support";
  in.sender_address = "nps@acme.example";
  in.reply_to = "support@acme.example";
  in.recipient_name = "Ada";
  in.recipient_email = "ada@example.com";
  in.survey_subject = "How likely…";
  in.text = kNasty;
  in.date_unix_seconds = kNow;
  in.message_id_unique = "r1";
  in.survey_message_id_unique = "abc";
  in.message_id_domain = "nps.acme.example";
  auto message = RenderReplyEmail(in);
  EXPECT_TRUE(message.ok()) << message.status().message();
  return message.ok() ? *message : "";
}

TEST(WireFormTest, EveryKindOfMessageIsSevenBitCrlfAndShortLined) {
  auto key = DkimKey::FromPem(dkimtest::RsaPem(), DkimAlgorithm::kRsaSha256);
  ASSERT_TRUE(key.ok());
  auto signer = DkimSigner::Create("acme.example", "s1", std::move(key.value()), nullptr);
  ASSERT_TRUE(signer.ok());
  const std::vector<std::pair<const char *, std::string>> messages = {
      {"survey", Survey(false)},
      {"test", Survey(true)},
      {"report", Report()},
      {"alert", Alert()},
      {"reply", Reply()}};
  for (const auto &[kind, message] : messages) {
    ASSERT_FALSE(message.empty()) << kind;
    const Status form = CheckWireForm(message);
    EXPECT_TRUE(form.ok()) << kind << ": " << form.message();
    // Every part says how it is encoded, and it is never 8bit or binary.
    size_t parts = 0;
    for (size_t at = message.find("Content-Transfer-Encoding:"); at != std::string::npos;
         at = message.find("Content-Transfer-Encoding:", at + 1)) {
      ++parts;
      const std::string value =
          message.substr(at + 27, message.find("\r\n", at) - at - 27);
      EXPECT_TRUE(value == "quoted-printable" || value == "base64" || value == "7bit")
          << kind << ": " << value;
    }
    EXPECT_GE(parts, 2u) << kind;
    // And it signs and verifies.
    auto signed_message = signer.value()->Sign(message, kNow);
    ASSERT_TRUE(signed_message.ok()) << kind << ": " << signed_message.status().message();
    EXPECT_EQ(dkimtest::Verify(*signed_message, signer.value()->DnsRecords()[0].value),
              "")
        << kind;
  }
}

}  // namespace
}  // namespace callexa
