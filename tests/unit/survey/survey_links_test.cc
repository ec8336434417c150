#include "survey/survey_links.h"

#include <gtest/gtest.h>

#include <string>

#include "survey/invitation_token.h"

namespace callexa {
namespace {

constexpr int64_t kNow = 1795860000;
const std::string kSecret(64, 's');

std::string TokenOf(const std::string &url, const std::string &base) {
  std::string rest = url.substr(base.size());
  if (rest.rfind("u/", 0) == 0) rest = rest.substr(2);
  return rest.substr(0, rest.find('?'));
}

TEST(SurveyLinksTest, ScoreAndUnsubscribeLinksCarrySignedTokens) {
  const std::string base = "https://nps.example.com/s/";
  const SurveyLinks links = MakeSurveyLinks(base, 42, kSecret, kNow);
  for (int score = 0; score < kScoreCount; ++score) {
    const std::string &url = links.score_urls[score];
    ASSERT_EQ(url.rfind(base, 0), 0u) << url;
    EXPECT_EQ(url.substr(url.find('?')), "?score=" + std::to_string(score));
    auto claims =
        VerifyInvitationToken(TokenOf(url, base), TokenPurpose::kAnswer, kSecret, kNow);
    ASSERT_TRUE(claims.ok()) << claims.status().message();
    EXPECT_EQ(claims.value().invitation_id, 42);
    EXPECT_EQ(claims.value().expires_at, kNow + kAnswerLinkSeconds);
  }
  ASSERT_EQ(links.unsubscribe_url.rfind(base + "u/", 0), 0u);
  EXPECT_EQ(links.one_click_unsubscribe_url, links.unsubscribe_url);
  const std::string token = TokenOf(links.unsubscribe_url, base);
  EXPECT_TRUE(
      VerifyInvitationToken(token, TokenPurpose::kUnsubscribe, kSecret, kNow).ok());
  // A score link cannot unsubscribe, nor an unsubscribe link answer.
  EXPECT_FALSE(VerifyInvitationToken(token, TokenPurpose::kAnswer, kSecret, kNow).ok());
  EXPECT_TRUE(CheckSurveyLinks(links).ok());
}

TEST(SurveyLinksTest, TestEmailLinksOpenTheSurveyInTestMode) {
  const std::string base = "https://nps.example.com/s/";
  const SurveyLinks links = MakeTestSurveyLinks(base, 7, kSecret, kNow);
  for (int score = 0; score < kScoreCount; ++score) {
    const std::string token = TokenOf(links.score_urls[score], base);
    auto claims = VerifyInvitationToken(token, TokenPurpose::kTest, kSecret, kNow);
    ASSERT_TRUE(claims.ok()) << claims.status().message();
    EXPECT_EQ(claims->invitation_id, 7);  // the survey
    // Never an answer link.
    EXPECT_FALSE(VerifyInvitationToken(token, TokenPurpose::kAnswer, kSecret, kNow).ok());
  }
  // The unsubscribe link says it was a test (invitation 0).
  auto unsubscribe = VerifyInvitationToken(TokenOf(links.unsubscribe_url, base),
                                           TokenPurpose::kUnsubscribe, kSecret, kNow);
  ASSERT_TRUE(unsubscribe.ok());
  EXPECT_EQ(unsubscribe->invitation_id, 0);
  EXPECT_TRUE(CheckSurveyLinks(links).ok());
}

}  // namespace
}  // namespace callexa
