// The JSON text columns in which every backend keeps an answer's maps
// (answers.tag_ratings {"Support": 4}, answers.extra_answers {"id": "text"}).
// They are written only by SaveAnswer; reading skips what does not fit
// rather than trusting it.
#ifndef CALLEXA_STORE_ANSWER_JSON_H_
#define CALLEXA_STORE_ANSWER_JSON_H_

#include <map>
#include <string>
#include <string_view>

namespace callexa {

// Integer members of the object in `json`; {} for anything else.
std::map<std::string, int> ReadTagRatings(std::string_view json);
// String members of the object in `json`; {} for anything else.
std::map<std::string, std::string> ReadExtraAnswers(std::string_view json);

}  // namespace callexa

#endif  // CALLEXA_STORE_ANSWER_JSON_H_
