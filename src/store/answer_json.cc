#include "store/answer_json.h"

#include <nlohmann/json.hpp>

namespace callexa {

std::map<std::string, int> ReadTagRatings(std::string_view json) {
  std::map<std::string, int> out;
  const nlohmann::json tags = nlohmann::json::parse(json, nullptr, false);
  if (!tags.is_object()) return out;
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (it->is_number_integer()) out[it.key()] = it->get<int>();
  }
  return out;
}

std::map<std::string, std::string> ReadExtraAnswers(std::string_view json) {
  std::map<std::string, std::string> out;
  const nlohmann::json extras = nlohmann::json::parse(json, nullptr, false);
  if (!extras.is_object()) return out;
  for (auto it = extras.begin(); it != extras.end(); ++it) {
    if (it->is_string()) out[it.key()] = it->get<std::string>();
  }
  return out;
}

}  // namespace callexa
