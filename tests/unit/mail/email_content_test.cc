#include "mail/email_content.h"

#include <gtest/gtest.h>

#include <string>

#include "mail/survey_body.h"

namespace callexa {
namespace {

SurveyEmailContent Minimal(const std::string &language) {
  SurveyEmailContent c;
  c.language = language;
  c.sender_address = "survey@shop.example";
  return c;
}

TEST(SurveyContentTest, DefaultsForEnglishAndGerman) {
  const Result<SurveyEmailContent> en = DefaultSurveyEmailContent("en");
  ASSERT_TRUE(en.ok());
  EXPECT_EQ(en->low_label, "Not likely");
  EXPECT_EQ(en->high_label, "Very likely");
  EXPECT_EQ(en->greeting, "Hi {first_name},");
  const Result<SurveyEmailContent> de = DefaultSurveyEmailContent("DE");
  ASSERT_TRUE(de.ok());
  EXPECT_EQ(de->language, "de");
  EXPECT_EQ(de->low_label, "Unwahrscheinlich");
  EXPECT_EQ(de->high_label, "Sehr wahrscheinlich");
  EXPECT_EQ(de->unsubscribe_text, "Abmelden");
  EXPECT_EQ(de->greeting, "Hallo {first_name},");
  for (const SurveyEmailContent *c : {&*en, &*de}) {
    for (const std::string *text : {&c->subject, &c->greeting, &c->greeting_no_name,
                                    &c->question, &c->unsubscribe_text}) {
      EXPECT_FALSE(text->empty());
    }
    EXPECT_FALSE(c->intro.empty());
    EXPECT_FALSE(c->footer.empty());
  }
  const Result<SurveyEmailContent> fr = DefaultSurveyEmailContent("fr");
  ASSERT_FALSE(fr.ok());
  EXPECT_EQ(fr.status().code(), Status::Code::kInvalidArgument);
}

TEST(SurveyContentTest, ResolveFillsDefaultsAndKeepsOwnerTexts) {
  SurveyEmailContent c = Minimal("");
  c.question = "Would you recommend Acme?";
  const Result<SurveyEmailContent> r = ResolveSurveyEmailContent(c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->language, "en");
  EXPECT_EQ(r->question, "Would you recommend Acme?");
  EXPECT_EQ(r->subject, DefaultSurveyEmailContent("en")->subject);
  EXPECT_EQ(r->sender_address, "survey@shop.example");
}

TEST(SurveyContentTest, ResolveCleansTexts) {
  SurveyEmailContent c = Minimal("en");
  c.subject = "Quick question\r\nBcc: victim@example.com";
  c.intro = "Line one\r\nLine two\rLine three\x01";
  c.low_label = "Not\nlikely";
  c.sender_name = "Acme\r\nX-Evil: 1";
  c.brand_color = "#AABBCC";
  const Result<SurveyEmailContent> r = ResolveSurveyEmailContent(c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->subject, "Quick question Bcc: victim@example.com");
  EXPECT_EQ(r->intro, "Line one\nLine two\nLine three");
  EXPECT_EQ(r->low_label, "Not likely");
  EXPECT_EQ(r->sender_name, "Acme X-Evil: 1");
  EXPECT_EQ(r->brand_color, "#aabbcc");
}

TEST(SurveyContentTest, ResolveRejectsBadSettings) {
  const struct {
    const char *what;
    void (*change)(SurveyEmailContent *);
  } cases[] = {
      {"language", [](SurveyEmailContent *c) { c->language = "xx"; }},
      {"sender_address", [](SurveyEmailContent *c) { c->sender_address = ""; }},
      {"sender_address",
       [](SurveyEmailContent *c) { c->sender_address = "a@b\r\nBcc: c@d"; }},
      {"logo_url", [](SurveyEmailContent *c) { c->logo_url = "javascript:alert(1)"; }},
      {"logo_url",
       [](SurveyEmailContent *c) { c->logo_url = "https://x/\"onerror=\"a"; }},
      {"brand_color", [](SurveyEmailContent *c) { c->brand_color = "red"; }},
      {"brand_color", [](SurveyEmailContent *c) { c->brand_color = "#12345"; }},
      {"brand_color", [](SurveyEmailContent *c) { c->brand_color = "#12345g"; }},
      {"brand_color", [](SurveyEmailContent *c) { c->brand_color = "#fff;x:y"; }},
  };
  for (const auto &t : cases) {
    SurveyEmailContent c = Minimal("en");
    t.change(&c);
    const Result<SurveyEmailContent> r = ResolveSurveyEmailContent(c);
    ASSERT_FALSE(r.ok()) << t.what;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(t.what), std::string::npos)
        << r.status().message();
  }
}

TEST(SurveyContentTest, PersonalGreeting) {
  const SurveyEmailContent en = *ResolveSurveyEmailContent(Minimal("en"));
  const SurveyEmailContent de = *ResolveSurveyEmailContent(Minimal("de"));
  EXPECT_EQ(PersonalGreeting(en, "Ada"), "Hi Ada,");
  EXPECT_EQ(PersonalGreeting(en, ""), "Hello,");
  EXPECT_EQ(PersonalGreeting(en, " \r\n "), "Hello,");
  EXPECT_EQ(PersonalGreeting(en, "Ada\r\nBcc: x"), "Hi Ada Bcc: x,");
  EXPECT_EQ(PersonalGreeting(de, "J\xc3\xbcrgen"), "Hallo J\xc3\xbcrgen,");
  EXPECT_EQ(PersonalGreeting(de, ""), "Guten Tag,");
  SurveyEmailContent twice = en;
  twice.greeting = "{first_name}, {first_name}!";
  EXPECT_EQ(PersonalGreeting(twice, "Bo"), "Bo, Bo!");
}

TEST(SurveyContentTest, ChecksLinks) {
  SurveyLinks links;
  for (int i = 0; i < kScoreCount; ++i) {
    links.score_urls[i] = "https://nps.example/s/tok?score=" + std::to_string(i);
  }
  links.unsubscribe_url = "https://nps.example/s/tok/unsubscribe";
  links.one_click_unsubscribe_url = "https://nps.example/s/tok/unsubscribe?one-click=1";
  EXPECT_TRUE(CheckSurveyLinks(links).ok());

  SurveyLinks bad = links;
  bad.score_urls[7] = "javascript:alert(7)";
  EXPECT_NE(CheckSurveyLinks(bad).message().find("score URL 7"), std::string::npos);
  bad = links;
  bad.unsubscribe_url = "mailto:unsubscribe@nps.example";
  EXPECT_FALSE(CheckSurveyLinks(bad).ok());
  bad = links;
  bad.unsubscribe_url = "http://nps.example/unsubscribe";  // an installation without TLS
  EXPECT_TRUE(CheckSurveyLinks(bad).ok());
  bad = links;
  bad.one_click_unsubscribe_url = "";
  EXPECT_FALSE(CheckSurveyLinks(bad).ok());
}

TEST(SurveyContentTest, ButtonColours) {
  const struct {
    int score;
    const char *want;
  } cases[] = {
      {0, "#dc2626"}, {6, "#dc2626"}, {7, "#d97706"},
      {8, "#d97706"}, {9, "#16a34a"}, {10, "#16a34a"},
  };
  SurveyEmailContent plain;
  SurveyEmailContent branded;
  branded.brand_color = "#123abc";  // the cue stays by default
  for (const auto &c : cases) {
    EXPECT_EQ(ScoreButtonColor(plain, c.score), c.want);
    EXPECT_EQ(ScoreButtonColor(branded, c.score), c.want);
  }
  branded.score_colors = "brand";  // the owner's choice: all in the brand colour
  EXPECT_EQ(ScoreButtonColor(branded, 0), "#123abc");
  EXPECT_EQ(ScoreButtonColor(branded, 10), "#123abc");
  plain.score_colors = "brand";  // no brand colour: the cue
  EXPECT_EQ(ScoreButtonColor(plain, 0), "#dc2626");
}

}  // namespace
}  // namespace callexa
