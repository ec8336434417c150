#include "mail/reply_email.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

ReplyEmailInput Input() {
  ReplyEmailInput in;
  in.sender_name = "Acme";
  in.sender_address = "nps@acme.example";
  in.reply_to = "support@acme.example";
  in.recipient_name = "Ada Lovelace";
  in.recipient_email = "ada@example.com";
  in.survey_subject = "How likely are you to recommend Acme?";
  in.text = "Hi Ada,\n\nSorry about <that>.\nBest";
  in.date_unix_seconds = 1795860000;
  in.message_id_unique = "reply1";
  in.survey_message_id_unique = "survey1";
  in.message_id_domain = "nps.acme.example";
  return in;
}

TEST(ReplyEmailTest, ThreadsUnderTheSurveyEmailWithReplyTo) {
  auto mail = RenderReplyEmail(Input());
  ASSERT_TRUE(mail.ok()) << mail.status().message();
  EXPECT_NE(mail->find("From: \"Acme\" <nps@acme.example>\r\n"), std::string::npos);
  EXPECT_NE(mail->find("Reply-To: support@acme.example\r\n"), std::string::npos);
  EXPECT_NE(mail->find("Subject: Re: How likely are you to recommend Acme?\r\n"),
            std::string::npos);
  EXPECT_NE(mail->find("Message-ID: <reply1@nps.acme.example>\r\n"), std::string::npos);
  EXPECT_NE(mail->find("In-Reply-To: <survey1@nps.acme.example>\r\n"), std::string::npos);
  EXPECT_NE(mail->find("References: <survey1@nps.acme.example>\r\n"), std::string::npos);
  EXPECT_NE(mail->find("&lt;that&gt;"), std::string::npos);  // the HTML part, escaped
}

TEST(ReplyEmailTest, NoReplyToWhenUnsetAndRefusesBadParts) {
  ReplyEmailInput in = Input();
  in.reply_to = "";
  auto mail = RenderReplyEmail(in);
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->find("\r\nReply-To:"), std::string::npos);
  in.reply_to = "not an address";
  EXPECT_FALSE(RenderReplyEmail(in).ok());
  in = Input();
  in.message_id_unique = "bad id";
  EXPECT_FALSE(RenderReplyEmail(in).ok());
  in = Input();
  in.survey_subject = "Line\r\nBcc: evil@example.com";
  mail = RenderReplyEmail(in);
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->find("\r\nBcc:"), std::string::npos);
}

}  // namespace
}  // namespace callexa
