// libFuzzer target: a survey's content object as PATCH takes it (any JSON
// text), validated, written back and read again.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "survey/survey_content.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const nlohmann::json value = nlohmann::json::parse(data, data + size, nullptr, false);
  if (value.is_discarded()) return 0;
  auto content = callexa::ReadSurveyContent(value);
  if (!content.ok()) return 0;
  // What is stored reads back the same.
  const nlohmann::json stored = callexa::SurveyContentToJson(*content);
  auto again = callexa::ReadSurveyContent(stored);
  if (!again.ok() || callexa::SurveyContentToJson(*again) != stored) __builtin_trap();
  return 0;
}
