#include "survey/survey_content.h"

#include <gtest/gtest.h>

#include <string>

namespace callexa {
namespace {

using nlohmann::json;

std::string ErrorOf(const json &content) {
  Result<SurveyContent> r = ReadSurveyContent(content);
  return r.ok() ? "" : r.status().message();
}

TEST(SurveyContentTest, EmptyContentTakesEnglishDefaults) {
  Result<SurveyContent> c = ParseSurveyContent("{}");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->email.language, "en");
  EXPECT_EQ(c->email.low_label, "Not likely");
  EXPECT_EQ(c->email.subject, "How likely are you to recommend us?");
  EXPECT_EQ(c->page.submit_label, "Send feedback");
  EXPECT_FALSE(c->page.followup_detractor.empty());
  EXPECT_FALSE(c->page.thank_you.empty());
  EXPECT_TRUE(c->email.sender_address.empty());
  EXPECT_TRUE(c->email.logo_url.empty());
  EXPECT_TRUE(c->page.tags.empty());
}

TEST(SurveyContentTest, GermanDefaultsAndOwnerTextsWin) {
  Result<SurveyContent> c = ParseSurveyContent(
      R"({"language": "DE", "thank_you": "Danke!", "subject": "", "tags": ["Preis"],
          "questions": [{"id": "feature", "text": "Was fehlt?"}]})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->email.language, "de");
  EXPECT_EQ(c->email.low_label, "Unwahrscheinlich");
  EXPECT_EQ(c->email.subject, "Ihre Meinung zählt: Würden Sie uns weiterempfehlen?");
  EXPECT_EQ(c->page.thank_you, "Danke!");
  EXPECT_EQ(c->page.unsubscribe_button, "Abmelden");
  ASSERT_EQ(c->page.tags.size(), 1u);
  EXPECT_EQ(c->page.tags[0], "Preis");
  ASSERT_EQ(c->page.questions.size(), 1u);
  EXPECT_EQ(c->page.questions[0].id, "feature");
  EXPECT_EQ(c->page.questions[0].text, "Was fehlt?");
}

TEST(SurveyContentTest, StoredFormKeepsOwnerValuesOnly) {
  const json in = {{"language", "en"},
                   {"followup_promoter", "Why?\r\nTell us.\a"},
                   {"subject", " two\nlines "},
                   {"brand_color", "#1A2B3C"},
                   {"tags", {"Support", "Price"}}};
  Result<SurveyContent> c = ReadSurveyContent(in);
  ASSERT_TRUE(c.ok()) << c.status().message();
  const json stored = SurveyContentToJson(*c);
  EXPECT_EQ(stored["followup_promoter"], "Why?\nTell us.");
  EXPECT_EQ(stored["subject"], "two lines");
  EXPECT_EQ(stored["thank_you"], "");  // not the default
  EXPECT_EQ(stored["tags"], json({"Support", "Price"}));
  EXPECT_EQ(stored["questions"], json::array());
  EXPECT_FALSE(stored.contains("sender_address"));
  Result<SurveyContent> again = ReadSurveyContent(stored);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(SurveyContentToJson(*again), stored);
}

TEST(SurveyContentTest, NullMeansDefault) {
  Result<SurveyContent> c = ParseSurveyContent(R"({"thank_you": null, "tags": null})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->page.thank_you, "Thank you for your feedback!");
  EXPECT_TRUE(c->page.tags.empty());
}

std::string PlaceholderError(const json &content) {
  Status s = CheckPlaceholders(content);
  return s.ok() ? "" : s.message();
}

TEST(SurveyContentTest, LookAlikePlaceholdersAreRefusedNamingTheValidOne) {
  EXPECT_EQ(PlaceholderError({{"greeting", "Hi {first_name},"}}), "");
  EXPECT_EQ(PlaceholderError({{"greeting", "Hi {first_name}, {first_name}!"}}), "");
  EXPECT_EQ(PlaceholderError({{"intro", "Thanks :-{ } and {:)}"}}), "");
  EXPECT_EQ(PlaceholderError({{"greeting", "Hi {{first_name}},"}}),
            "content.greeting holds {{first_name}}, which is not a placeholder: the only "
            "one is {first_name}, in the greeting");
  EXPECT_EQ(PlaceholderError({{"greeting", "Hi {firstname},"}}),
            "content.greeting holds {firstname}, which is not a placeholder: the only "
            "one is {first_name}, in the greeting");
  EXPECT_EQ(PlaceholderError({{"question", "How likely, {first_name}?"}}),
            "content.question holds {first_name}, which is replaced in the greeting "
            "only: elsewhere customers would read it as written");
  // Inside a rich text document and a question's text.
  const json doc = json::parse(R"({"type": "doc", "content": [{"type": "paragraph",
      "content": [{"type": "text", "text": "Dear {name}"}]}]})");
  json with_doc = json::object();
  with_doc["intro"] = doc;
  EXPECT_EQ(PlaceholderError(with_doc),
            "content.intro holds {name}, which is not a placeholder: the only one is "
            "{first_name}, in the greeting");
  EXPECT_NE(PlaceholderError({{"questions", {{{"id", "x"}, {"text", "{ company }?"}}}}})
                .find("content.questions[0].text holds { company }"),
            std::string::npos);
  EXPECT_EQ(PlaceholderError({{"logo_url", "https://cdn.example/{v}/logo.png"}}), "");
}

TEST(SurveyContentTest, ErrorsNameTheField) {
  EXPECT_EQ(ErrorOf(json::array()), "content must be a JSON object");
  EXPECT_EQ(ErrorOf({{"tags", {"a", "b", 3}}}), "content.tags[2] must be a string");
  EXPECT_EQ(ErrorOf({{"tags", {"a", ""}}}), "content.tags[1] must not be empty");
  EXPECT_EQ(ErrorOf({{"tags", {"a", "a"}}}), "content.tags[1] repeats \"a\"");
  EXPECT_EQ(ErrorOf({{"tags", "Support"}}), "content.tags must be an array");
  EXPECT_EQ(ErrorOf({{"colour", "#000000"}}), "content.colour is not a known field");
  EXPECT_EQ(ErrorOf({{"subject", 5}}), "content.subject must be a string");
  EXPECT_EQ(ErrorOf({{"subject", std::string(201, 'x')}}),
            "content.subject must be at most 200 bytes");
  EXPECT_EQ(ErrorOf({{"language", "fr"}}), "content.language must be \"en\" or \"de\"");
  EXPECT_EQ(ErrorOf({{"brand_color", "red"}}),
            "content.brand_color must be a colour like #1a2b3c");
  EXPECT_EQ(ErrorOf({{"score_colors", "pastel"}}),
            "content.score_colors must be \"bands\" or \"brand\"");
  EXPECT_EQ(ErrorOf({{"score_colors", "brand"}}), "");
  // The review site: https only, as the redirect to it leaves our site.
  EXPECT_EQ(ErrorOf({{"review_url", "https://www.g2.com/products/acme/reviews"}}), "");
  EXPECT_NE(
      ErrorOf({{"review_url", "http://g2.example/acme"}}).find("content.review_url"),
      std::string::npos);
  EXPECT_NE(ErrorOf({{"review_url", "javascript:alert(1)"}}).find("content.review_url"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"logo_url", "javascript:alert(1)"}}).find("content.logo_url"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"sender_address", "a@b.example"}}).find("callexa_mail_from"),
            std::string::npos);
  EXPECT_EQ(ErrorOf({{"questions", {{{"id", "Bad Id"}, {"text", "?"}}}}}),
            "content.questions[0].id must be 1 to 32 of a-z, 0-9, \"_\" and \"-\"");
  EXPECT_EQ(ErrorOf({{"questions", {{{"id", "a"}}}}}),
            "content.questions[0].text is required");
  EXPECT_EQ(ErrorOf({{"questions", {{{"id", "a"}, {"text", "?"}, {"x", 1}}}}}),
            "content.questions[0].x is not a known field");
  EXPECT_EQ(ErrorOf({{"questions",
                      {{{"id", "a"}, {"text", "?"}}, {{"id", "a"}, {"text", "!"}}}}}),
            "content.questions[1].id repeats \"a\"");
  json many = json::array();
  for (int i = 0; i <= 20; ++i) many.push_back("t" + std::to_string(i));
  EXPECT_EQ(ErrorOf({{"tags", many}}), "content.tags may have at most 20 entries");
  Result<SurveyContent> bad = ParseSurveyContent("{");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "content is not valid JSON");
}

TEST(SurveyContentTest, FollowupBySCoreBand) {
  SurveyPageContent p;
  p.followup_detractor = "d";
  p.followup_passive = "p";
  p.followup_promoter = "m";
  EXPECT_EQ(FollowupFor(p, 0), "d");
  EXPECT_EQ(FollowupFor(p, 6), "d");
  EXPECT_EQ(FollowupFor(p, 7), "p");
  EXPECT_EQ(FollowupFor(p, 8), "p");
  EXPECT_EQ(FollowupFor(p, 9), "m");
  EXPECT_EQ(FollowupFor(p, 10), "m");
  EXPECT_FALSE(IsPromoterScore(8));
  EXPECT_TRUE(IsPromoterScore(9));
}

}  // namespace
}  // namespace callexa
