#include "survey/survey_links.h"

#include <string>

#include "survey/invitation_token.h"

namespace callexa {

SurveyLinks MakeSurveyLinks(std::string_view survey_base_url, int64_t invitation_id,
                            std::string_view secret, int64_t now) {
  const std::string base(survey_base_url);
  const std::string answer = SignInvitationToken(
      {TokenPurpose::kAnswer, invitation_id, now + kAnswerLinkSeconds}, secret);
  const std::string unsubscribe = SignInvitationToken(
      {TokenPurpose::kUnsubscribe, invitation_id, now + kUnsubscribeLinkSeconds}, secret);
  SurveyLinks links;
  for (int score = 0; score < kScoreCount; ++score) {
    links.score_urls[score] = base + answer + "?score=" + std::to_string(score);
  }
  links.unsubscribe_url = base + "u/" + unsubscribe;
  links.one_click_unsubscribe_url = links.unsubscribe_url;
  return links;
}

SurveyLinks MakeTestSurveyLinks(std::string_view survey_base_url, int64_t survey_id,
                                std::string_view secret, int64_t now) {
  SurveyLinks links = MakeSurveyLinks(survey_base_url, 0, secret, now);
  const std::string test = SignInvitationToken(
      {TokenPurpose::kTest, survey_id, now + kAnswerLinkSeconds}, secret);
  for (int score = 0; score < kScoreCount; ++score) {
    links.score_urls[score] =
        std::string(survey_base_url) + test + "?score=" + std::to_string(score);
  }
  return links;
}

}  // namespace callexa
