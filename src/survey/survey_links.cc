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

}  // namespace callexa
