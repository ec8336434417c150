#include "alerts/alert_email.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

AlertEmailInput Detractor() {
  AlertEmailInput in;
  in.survey_name = "Acme NPS";
  in.answer.score = 3;
  in.answer.comment = "Support <b>never</b> answered & I left.\nTwice.";
  in.answer.tag_ratings = {{"Support", 1}, {"Price", 4}};
  in.extra_answers = {{"What is missing?", "An <export>"}};
  in.answered_at = 1795860000;  // 2026-11-28T10:00:00Z
  in.email = "ada@example.com";
  in.name = "Ada <Lovelace>";
  in.user_id = "u-42";
  in.traits = {{"plan", "pro & more"}};
  in.answer_url = "https://nps.example/admin/#/surveys/3/inbox?item=7";
  return in;
}

TEST(AlertEmailTest, NamesScoreBandCommentCustomerAndLink) {
  const AlertEmailBodies b = RenderAlertBodies(Detractor());
  EXPECT_EQ(b.subject, "Detractor (3/10) from ada@example.com \u2014 Acme NPS");
  for (const std::string &part : {b.text, b.html}) {
    EXPECT_NE(part.find("Support"), std::string::npos);
    EXPECT_NE(part.find("1/5"), std::string::npos);
    EXPECT_NE(part.find("u-42"), std::string::npos);
    EXPECT_NE(part.find("https://nps.example/admin/#/surveys/3/inbox?item=7"),
              std::string::npos);
    EXPECT_NE(part.find("28 Nov 2026, 10:00 UTC"), std::string::npos);
  }
  EXPECT_NE(b.text.find("Support <b>never</b> answered & I left.\nTwice."),
            std::string::npos);
  EXPECT_NE(b.text.find("What is missing?\n    An <export>"), std::string::npos);
}

TEST(AlertEmailTest, EscapesEveryCustomerText) {
  const AlertEmailBodies b = RenderAlertBodies(Detractor());
  EXPECT_EQ(b.html.find("<b>never"), std::string::npos);
  EXPECT_NE(b.html.find("Support &lt;b&gt;never&lt;/b&gt; answered &amp; I left.<br>"),
            std::string::npos);
  EXPECT_EQ(b.html.find("<export>"), std::string::npos);
  EXPECT_EQ(b.html.find("<Lovelace>"), std::string::npos);
  EXPECT_NE(b.html.find("Ada &lt;Lovelace&gt;"), std::string::npos);
  EXPECT_NE(b.html.find("pro &amp; more"), std::string::npos);
}

TEST(AlertEmailTest, SpeaksTheSurveysLanguage) {
  AlertEmailInput in = Detractor();
  in.language = "de";
  in.answer.score = 8;
  in.answer.comment.clear();
  const AlertEmailBodies b = RenderAlertBodies(in);
  EXPECT_EQ(b.subject, "Indifferenter (8/10) von ada@example.com \u2014 Acme NPS");
  EXPECT_NE(b.html.find("<html lang=\"de\""), std::string::npos);
  EXPECT_NE(b.html.find("Kein Kommentar."), std::string::npos);
  EXPECT_NE(b.text.find("28.11.2026, 10:00 UTC"), std::string::npos);
  EXPECT_NE(b.html.find("Im Posteingang öffnen"), std::string::npos);
}

TEST(AlertEmailTest, TheSubjectCannotCarryHeaders) {
  AlertEmailInput in = Detractor();
  in.survey_name = "Acme\r\nBcc: evil@example.com";
  AlertEnvelope env;
  env.sender = {"Acme NPS", "nps@acme.example"};
  env.recipient = "owner@acme.example";
  env.date = 1795860000;
  env.message_id_unique = "alert.12";
  env.message_id_domain = "nps.acme.example";
  const auto message = RenderAlertEmail(in, env);
  ASSERT_TRUE(message.ok()) << message.status().message();
  EXPECT_EQ(message->find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(message->find("Message-ID: <alert.12@nps.acme.example>"), std::string::npos);
  EXPECT_NE(message->find("Auto-Submitted: auto-generated"), std::string::npos);
  env.message_id_unique = "bad id";
  EXPECT_FALSE(RenderAlertEmail(in, env).ok());
}

TEST(AlertEmailTest, KeyTraitsAreScalarsNotShownElsewhere) {
  const auto traits = AlertKeyTraits(
      R"({"email":"a@b.c","firstName":"Ada","plan":"pro","seats":12,"vip":true,)"
      R"("address":{"city":"x"},"empty":""})");
  ASSERT_EQ(traits.size(), 3u);
  EXPECT_EQ(traits[0], (std::pair<std::string, std::string>{"plan", "pro"}));
  EXPECT_EQ(traits[1], (std::pair<std::string, std::string>{"seats", "12"}));
  EXPECT_EQ(traits[2], (std::pair<std::string, std::string>{"vip", "true"}));
  EXPECT_TRUE(AlertKeyTraits("not json").empty());
  const auto long_value = AlertKeyTraits(R"({"note":")" + std::string(300, 'x') + "\"}");
  ASSERT_EQ(long_value.size(), 1u);
  EXPECT_LE(long_value[0].second.size(), 104u);
}

}  // namespace
}  // namespace callexa
