// Tokens in survey links: unguessable without the installation's secret,
// checked in constant time, bound to one invitation and one purpose, and
// expiring. Nothing is stored per token: the invitation id and expiry are
// signed into it (HMAC-SHA256), so any worker can check any link.
#ifndef CALLEXA_SURVEY_INVITATION_TOKEN_H_
#define CALLEXA_SURVEY_INVITATION_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

// What a link may do; a score link cannot be replayed as an unsubscribe.
enum class TokenPurpose : uint8_t {
  kAnswer = 1,
  kUnsubscribe = 2,
  // A score link of the owner's test email: invitation_id holds the
  // survey's id, and the page it opens records nothing.
  kTest = 3,
};

struct TokenClaims {
  TokenPurpose purpose = TokenPurpose::kAnswer;
  int64_t invitation_id = 0;
  int64_t expires_at = 0;  // Unix seconds
};

// The secret must be at least 32 bytes of CSPRNG output (RandomHex(32)).
constexpr size_t kMinTokenSecretBytes = 32;

// URL-safe token (base64url, no padding, 66 characters).
std::string SignInvitationToken(const TokenClaims &claims, std::string_view secret);

// InvalidArgument for a token that is not one of ours in shape; Unauthorized
// for a wrong signature or purpose; NotFound once it has expired (the page
// says "this link has expired", not "forged").
Result<TokenClaims> VerifyInvitationToken(std::string_view token, TokenPurpose purpose,
                                          std::string_view secret, int64_t now);

// The anti-forgery value for forms reached through link `token`: derived
// from the token and the secret (HMAC-SHA256, base64url), so no state is
// kept and only pages we rendered carry it. Compare with ConstantTimeEquals.
std::string LinkFormToken(std::string_view token, std::string_view secret);

}  // namespace callexa

#endif  // CALLEXA_SURVEY_INVITATION_TOKEN_H_
