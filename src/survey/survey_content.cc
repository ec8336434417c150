#include "survey/survey_content.h"

#include <nlohmann/json.hpp>

namespace callexa {

Result<SurveyContent> ParseSurveyContent(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("content must be a JSON object");
  SurveyContent c;
  c.email.language = j.value("language", "en");
  return c;
}

}  // namespace callexa
