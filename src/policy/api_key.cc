#include "policy/api_key.h"

#include <utility>

#include "common/secrets.h"

namespace callexa {

std::string NewApiKey() { return "ck_" + RandomHex(20); }

std::string ApiKeyPrefix(std::string_view key) {
  return std::string(key.substr(0, kApiKeyPrefixBytes));
}

std::optional<Survey> MatchApiKey(std::vector<Survey> candidates, std::string_view key) {
  std::optional<Survey> found;
  if (key.empty()) return found;
  // Every candidate is compared, so the time does not tell which matched.
  for (Survey &candidate : candidates) {
    if (ConstantTimeEquals(candidate.api_key, key)) found = std::move(candidate);
  }
  return found;
}

}  // namespace callexa
