#include "webhooks/webhook_event.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace callexa {
namespace {

using nlohmann::json;

const std::string kZwsp = "\xE2\x80\x8B";

WebhookAnswerFacts Facts() {
  WebhookAnswerFacts f;
  f.survey_id = 7;
  f.invitation_id = 42;
  f.score = 3;
  f.band = "detractor";
  f.comment = "Too slow";
  f.tag_ratings = {{"Speed", 2}};
  f.extra_answers = {{"plan", "pro"}};
  f.email = "ann@example.com";
  f.first_name = "Ann";
  f.last_name = "Lee";
  f.user_id = "u-1";
  f.answered_at = 1795860000;  // 2026-11-28T10:00:00Z
  f.admin_url = "https://nps.example.com/admin/#/surveys/7/responses/42";
  f.survey_name = "Checkout";
  return f;
}

TEST(WebhookEventTest, StandardBodyCarriesEveryFact) {
  const json body =
      json::parse(StandardEventBody(kWebhookResponseCreated, 1795860060, Facts()));
  EXPECT_EQ(body["type"], "response.created");
  EXPECT_EQ(body["timestamp"], "2026-11-28T10:01:00Z");
  const json expected = {
      {"survey_id", 7},
      {"invitation_id", 42},
      {"score", 3},
      {"band", "detractor"},
      {"comment", "Too slow"},
      {"tag_ratings", {{"Speed", 2}}},
      {"extra_answers", {{"plan", "pro"}}},
      {"email", "ann@example.com"},
      {"first_name", "Ann"},
      {"last_name", "Lee"},
      {"user_id", "u-1"},
      {"answered_at", "2026-11-28T10:00:00Z"},
      {"admin_url", "https://nps.example.com/admin/#/surveys/7/responses/42"},
  };
  EXPECT_EQ(body["data"], expected);
  EXPECT_EQ(body.size(), 3u);
}

TEST(WebhookEventTest, StandardBodySurvivesInvalidUtf8AndNonObjects) {
  WebhookAnswerFacts f = Facts();
  f.comment = "bad \xC3 byte";
  f.tag_ratings = json::array();
  const json body = json::parse(StandardEventBody(kWebhookResponseUpdated, 0, f));
  EXPECT_EQ(body["data"]["comment"], "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(body["data"]["tag_ratings"], json::object());
}

TEST(WebhookEventTest, SlackEscapeNeutralisesControlAndFormatting) {
  const struct {
    std::string in, out;
  } cases[] = {
      {"plain words", "plain words"},
      {"<!channel> hi", "&lt;!channel&gt; hi"},
      {"<@U123>", "&lt;@U123&gt;"},
      {"<https://evil.example|click>", "&lt;https://evil.example|click&gt;"},
      {"a & b", "a &amp; b"},
      {"&lt;", "&amp;lt;"},
      {"*bold*", kZwsp + "*" + kZwsp + "bold" + kZwsp + "*" + kZwsp},
      {"_it_", kZwsp + "_" + kZwsp + "it" + kZwsp + "_" + kZwsp},
      {"~s~", kZwsp + "~" + kZwsp + "s" + kZwsp + "~" + kZwsp},
      {"`c`", kZwsp + "`" + kZwsp + "c" + kZwsp + "`" + kZwsp},
      {"> quote\n> again", kZwsp + "&gt; quote\n" + kZwsp + "&gt; again"},
      {"2 > 1", "2 &gt; 1"},
      {"bad \xC3", "bad \xEF\xBF\xBD"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(SlackEscape(c.in), c.out) << c.in;
  }
}

size_t CodePoints(const std::string &s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Every text in the message, for checks that nothing unescaped slipped in.
void CollectTexts(const json &j, std::string *out) {
  if (j.is_object()) {
    for (const auto &[key, value] : j.items()) {
      if (key == "text" && value.is_string()) *out += value.get<std::string>() + "\n";
      CollectTexts(value, out);
    }
  } else if (j.is_array()) {
    for (const auto &v : j) CollectTexts(v, out);
  }
}

TEST(WebhookEventTest, SlackMessageCannotBeHijackedByTheCustomer) {
  WebhookAnswerFacts f = Facts();
  f.comment = "<!channel> *URGENT* <https://evil.example|login here>";
  f.first_name = "<!here>";
  f.last_name = "_x_";
  f.email = "a<b>@example.com";
  f.user_id = "<@U1>";
  f.survey_name = "<!everyone>";
  f.tag_ratings = {{"<!channel>", "<@U2>"}};
  const json message = json::parse(SlackEventBody(kWebhookResponseCreated, f));
  ASSERT_TRUE(message.contains("text"));
  ASSERT_TRUE(message["blocks"].is_array());
  std::string texts;
  CollectTexts(message, &texts);
  for (const char *bad : {"<!", "<@", "<https://evil", "*URGENT*", "_x_"}) {
    EXPECT_EQ(texts.find(bad), std::string::npos) << bad << " in " << texts;
  }
  EXPECT_NE(texts.find("&lt;!channel&gt;"), std::string::npos) << texts;
  // Our own link to the answer is the one link in the message.
  EXPECT_NE(texts.find("<https://nps.example.com/admin/#/surveys/7/responses/42|"),
            std::string::npos)
      << texts;
}

TEST(WebhookEventTest, SlackMessageNamesTheFacts) {
  const json message = json::parse(SlackEventBody(kWebhookResponseCreated, Facts()));
  const std::string text = message["text"];
  EXPECT_NE(text.find("Detractor 3/10"), std::string::npos) << text;
  EXPECT_NE(text.find("Checkout"), std::string::npos) << text;
  EXPECT_NE(text.find("Too slow"), std::string::npos) << text;
  std::string texts;
  CollectTexts(message, &texts);
  for (const char *fact : {"Ann Lee", "ann@example.com", "u-1", "Speed: 2", "plan: pro",
                           "2026-11-28T10:00:00Z"}) {
    EXPECT_NE(texts.find(fact), std::string::npos) << fact << " in " << texts;
  }
}

TEST(WebhookEventTest, SlackMessageStaysWithinSlackLimits) {
  WebhookAnswerFacts f = Facts();
  f.comment = std::string(20000, '&');  // 5 bytes each once escaped
  f.extra_answers = json::object();
  for (int i = 0; i < 200; ++i)
    f.extra_answers["q" + std::to_string(i)] = std::string(300, 'x');
  const json message = json::parse(SlackEventBody(kWebhookTest, f));
  for (const json &block : message["blocks"]) {
    if (block.contains("text")) {
      EXPECT_LE(CodePoints(block["text"]["text"]), 3000u);
    }
    if (block.contains("fields")) {
      EXPECT_LE(block["fields"].size(), 10u);
      for (const json &field : block["fields"]) {
        EXPECT_LE(CodePoints(field["text"]), 2000u);
      }
    }
  }
  const std::string comment = message["blocks"][1]["text"]["text"];
  EXPECT_GT(CodePoints(comment), 2800u);
  EXPECT_EQ(comment.substr(comment.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(comment.substr(0, 10), "&amp;&amp;");
  EXPECT_NE(message["text"].get<std::string>().find("Test event"), std::string::npos);
}

}  // namespace
}  // namespace callexa
