// Survey API keys: how they look, how a store finds one without a timing
// leak. Every backend stores the key's prefix in an indexed column, looks
// candidates up by prefix, and lets MatchApiKey pick the one whose whole key
// is equal, compared in constant time.
#ifndef CALLEXA_POLICY_API_KEY_H_
#define CALLEXA_POLICY_API_KEY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/survey.h"

namespace callexa {

// "ck_" and 40 random hex digits (160 bits).
std::string NewApiKey();

// The indexed part of a key: its first 12 characters. Equal prefixes do
// not mean equal keys; they only narrow the candidates.
constexpr size_t kApiKeyPrefixBytes = 12;
std::string ApiKeyPrefix(std::string_view key);

// The candidate whose api_key equals `key`, each compared in constant
// time; nullopt for none or an empty key.
std::optional<Survey> MatchApiKey(std::vector<Survey> candidates, std::string_view key);

}  // namespace callexa

#endif  // CALLEXA_POLICY_API_KEY_H_
