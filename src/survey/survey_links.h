// The links of one invitation's email, pointing at the survey pages
// (callexa_survey) below the installation's public URL.
#ifndef CALLEXA_SURVEY_SURVEY_LINKS_H_
#define CALLEXA_SURVEY_SURVEY_LINKS_H_

#include <cstdint>
#include <string_view>

#include "mail/email_content.h"

namespace callexa {

// How long the links of an email work, counted from sending.
constexpr int64_t kAnswerLinkSeconds = 90 * 86400;
constexpr int64_t kUnsubscribeLinkSeconds = 400 * 86400;

// Links below `survey_base_url` (the survey location's public address,
// ending in "/", e.g. "https://nps.example.com/s/"):
//   score N:      <base><answer token>?score=N
//   unsubscribe:  <base>u/<unsubscribe token>   (also the one-click URL)
// Tokens are signed with `secret` for `invitation_id` (invitation_token.h).
SurveyLinks MakeSurveyLinks(std::string_view survey_base_url, int64_t invitation_id,
                            std::string_view secret, int64_t now);

// The links of the owner's test email for survey `survey_id`: the score
// links open that survey's real pages in test mode (TokenPurpose::kTest),
// the unsubscribe link a page saying it was a test (invitation 0).
SurveyLinks MakeTestSurveyLinks(std::string_view survey_base_url, int64_t survey_id,
                                std::string_view secret, int64_t now);

}  // namespace callexa

#endif  // CALLEXA_SURVEY_SURVEY_LINKS_H_
