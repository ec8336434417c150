#include "delivery/reminder_runner.h"

#include <gtest/gtest.h>

#include <string>

#include "mail/mail_message_parser.h"
#include "survey/survey_links.h"

namespace callexa {
namespace {

constexpr int64_t kSent = 1795860000;  // the survey email's sending
const std::string kSecret(64, 's');

DeliveryOptions Options() {
  DeliveryOptions o;
  o.survey_base_url = "https://nps.acme.example/s/";
  o.sender_address = "nps@acme.example";
  o.sender_name = "Acme";
  o.message_id_domain = "nps.acme.example";
  o.lease_owner = "test";
  return o;
}

ReminderClaim Claim() {
  ReminderClaim c;
  c.invitation_id = 42;
  c.survey_id = 1;
  c.email = "ann@example.com";
  c.first_name = "Ann";
  c.attempts = 1;
  c.message_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  c.survey_message_id = "ffeeddccbbaa99887766554433221100";
  c.survey_sent_at = kSent;
  c.due_at = kSent + 3 * 86400;
  c.survey_content_json = R"({"reminder_subject": "Still a minute, Ann?"})";
  return c;
}

TEST(ReminderRunnerTest, RendersTheSurveyEmailsLinksUnderItsOwnMessageId) {
  auto mail = RenderReminder(Claim(), Options(), kSecret, kSent + 3 * 86400 + 5);
  ASSERT_TRUE(mail.ok()) << mail.status().message();
  EXPECT_EQ(mail->recipient, "ann@example.com");
  EXPECT_EQ(mail->envelope_from, "nps@acme.example");
  EXPECT_EQ(mail->message_id, "0a1b2c3d4e5f60718293a4b5c6d7e8f9@nps.acme.example");
  const std::string &data = mail->data;
  EXPECT_NE(
      data.find("\r\nIn-Reply-To: <ffeeddccbbaa99887766554433221100@nps.acme.example>"
                "\r\n"),
      std::string::npos);
  EXPECT_NE(
      data.find("\r\nReferences: <ffeeddccbbaa99887766554433221100@nps.acme.example>"),
      std::string::npos);
  EXPECT_NE(data.find("\r\nSubject: Still a minute, Ann?\r\n"), std::string::npos);
  // The links are those the survey email carried: made for its sending.
  const SurveyLinks links =
      MakeSurveyLinks(Options().survey_base_url, 42, kSecret, kSent);
  const mailtest::ParsedMessage m = mailtest::Parse(data);
  ASSERT_EQ(m.parts.size(), 2u);
  for (const std::string &url : links.score_urls) {
    EXPECT_NE(m.parts[0].body.find(url), std::string::npos) << url;
  }
}

TEST(ReminderRunnerTest, BadContentCannotBeRendered) {
  ReminderClaim c = Claim();
  c.survey_content_json = "{";
  EXPECT_FALSE(RenderReminder(c, Options(), kSecret, kSent).ok());
}

}  // namespace
}  // namespace callexa
