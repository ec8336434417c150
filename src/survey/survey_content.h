// The customer-facing content of a survey, stored as surveys.content.
#ifndef CALLEXA_SURVEY_SURVEY_CONTENT_H_
#define CALLEXA_SURVEY_SURVEY_CONTENT_H_

#include <string_view>

#include "common/status.h"
#include "mail/survey_content.h"

namespace callexa {

struct SurveyContent {
  SurveyEmailContent email;
};

Result<SurveyContent> ParseSurveyContent(std::string_view json);

}  // namespace callexa

#endif  // CALLEXA_SURVEY_SURVEY_CONTENT_H_
