#include "policy/testimonial_rules.h"

#include <gtest/gtest.h>

namespace callexa {
namespace {

Answer A(int score, const char *comment, bool consent) {
  Answer a;
  a.score = score;
  a.comment = comment;
  a.consent = consent;
  return a;
}

TEST(TestimonialRulesTest, OnlyConsentingPromotersWithAComment) {
  EXPECT_TRUE(IsTestimonialCandidate(A(9, "Great", true)));
  EXPECT_TRUE(IsTestimonialCandidate(A(10, "Great", true)));
  EXPECT_FALSE(IsTestimonialCandidate(A(8, "Great", true)));
  EXPECT_FALSE(IsTestimonialCandidate(A(10, "Great", false)));
  EXPECT_FALSE(IsTestimonialCandidate(A(10, "", true)));
  EXPECT_FALSE(IsTestimonialCandidate(A(10, " \n ", true)));
}

TEST(TestimonialRulesTest, DisplayNames) {
  const struct {
    NameFormat format;
    const char *first, *last, *name, *want;
  } cases[] = {
      {NameFormat::kFirstLastInitial, "Ada", "Lovelace", "", "Ada L."},
      {NameFormat::kFirstName, "Ada", "Lovelace", "", "Ada"},
      {NameFormat::kInitials, "Ada", "Lovelace", "", "A. L."},
      {NameFormat::kAnonymous, "Ada", "Lovelace", "", ""},
      {NameFormat::kFirstLastInitial, "", "", "Grace Brewster Hopper",
       "Grace Brewster H."},
      {NameFormat::kFirstLastInitial, "Ada", "", "", "Ada"},
      {NameFormat::kFirstLastInitial, "", "", "", ""},
      {NameFormat::kFirstLastInitial, "J\xc3\xbcrgen", "\xc3\x96zil", "",
       "J\xc3\xbcrgen \xc3\x96."},
      {NameFormat::kInitials, "\xc3\x89mile", "", "", "\xc3\x89."},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(DisplayName(c.format, c.first, c.last, c.name), c.want) << c.want;
  }
  for (const char *n : {"first_last_initial", "first_name", "initials", "anonymous"}) {
    ASSERT_TRUE(ParseNameFormat(n).has_value()) << n;
    EXPECT_STREQ(NameFormatName(*ParseNameFormat(n)), n);
  }
  EXPECT_FALSE(ParseNameFormat("full_name").has_value());
}

TEST(TestimonialRulesTest, TheDefaultNameIsTheOneConsentedTo) {
  // The built-in consent texts, English and German.
  EXPECT_EQ(ConsentedNameFormat("You may quote my comment publicly, with my first name."),
            NameFormat::kFirstName);
  EXPECT_EQ(ConsentedNameFormat(
                "Sie d\xc3\xbcrfen meinen Kommentar mit meinem Vornamen \xc3\xb6"
                "ffentlich "
                "zitieren."),
            NameFormat::kFirstName);
  EXPECT_EQ(ConsentedNameFormat("Quote me with my First and Last Name"),
            NameFormat::kFirstLastInitial);
  EXPECT_EQ(ConsentedNameFormat("Use my initials"), NameFormat::kInitials);
  EXPECT_EQ(ConsentedNameFormat("You may quote me"), NameFormat::kAnonymous);
  EXPECT_EQ(ConsentedNameFormat(""), NameFormat::kAnonymous);
}

TEST(TestimonialRulesTest, AQuoteMayBeShortenedNotReworded) {
  const char *comment = "Support was fast. The price is high, but the product is great.";
  EXPECT_TRUE(CheckShortenedQuote(comment, comment).ok());
  EXPECT_TRUE(CheckShortenedQuote("Support was fast.", comment).ok());
  EXPECT_TRUE(
      CheckShortenedQuote("Support was fast\xe2\x80\xa6 the product is great.", comment)
          .ok());
  EXPECT_TRUE(CheckShortenedQuote("... the product is great.", comment).ok());
  EXPECT_FALSE(CheckShortenedQuote("The product is great.", comment).ok());  // case
  EXPECT_FALSE(CheckShortenedQuote("Support was amazing.", comment).ok());
  // Pieces out of order change the meaning.
  EXPECT_FALSE(
      CheckShortenedQuote("the product is great ... Support was fast", comment).ok());
  EXPECT_FALSE(CheckShortenedQuote("", comment).ok());
  EXPECT_FALSE(CheckShortenedQuote(" ... ", comment).ok());
}

TEST(TestimonialRulesTest, ChangedWordsNeedModerationAgain) {
  EXPECT_FALSE(NeedsRemoderation("Great", "Great"));
  EXPECT_TRUE(NeedsRemoderation("Great", "Great!"));
}

}  // namespace
}  // namespace callexa
