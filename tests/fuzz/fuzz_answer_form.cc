// libFuzzer target: a posted survey answer form (urlencoded) against a
// survey with tags and extra questions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "survey/survey_content.h"
#include "survey/survey_pages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const callexa::SurveyContent *const content = [] {
    auto c = callexa::ParseSurveyContent(
        R"({"tags":["Support","Price"],"questions":[{"id":"feature","text":"Missing?"}]})");
    return new callexa::SurveyContent(*c);
  }();
  const std::string_view body(reinterpret_cast<const char *>(data), size);
  auto post = callexa::ParseAnswerPost(body, *content);
  if (post.ok() && (post->answer.score < 0 || post->answer.score > 10)) __builtin_trap();
  return 0;
}
