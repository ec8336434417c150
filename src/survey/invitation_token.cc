#include "survey/invitation_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/encoding.h"
#include "common/secrets.h"

namespace callexa {
namespace {

constexpr size_t kPayloadBytes = 1 + 8 + 8;  // purpose, invitation id, expiry
constexpr size_t kMacBytes = 32;             // HMAC-SHA256

void PutInt64(int64_t v, std::string *out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> shift) & 0xff));
  }
}

int64_t GetInt64(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<int64_t>(v);
}

std::string Mac(std::string_view payload, std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char *>(payload.data()), payload.size(), mac,
       &len);
  return std::string(reinterpret_cast<char *>(mac), len);
}

}  // namespace

std::string SignInvitationToken(const TokenClaims &claims, std::string_view secret) {
  std::string payload;
  payload.reserve(kPayloadBytes + kMacBytes);
  payload.push_back(static_cast<char>(claims.purpose));
  PutInt64(claims.invitation_id, &payload);
  PutInt64(claims.expires_at, &payload);
  payload += Mac(payload, secret);
  return Base64UrlEncode(payload);
}

Result<TokenClaims> VerifyInvitationToken(std::string_view token, TokenPurpose purpose,
                                          std::string_view secret, int64_t now) {
  if (token.size() > 100) return Status::InvalidArgument("malformed link");
  const auto raw = Base64Decode(token);
  if (!raw || raw->size() != kPayloadBytes + kMacBytes) {
    return Status::InvalidArgument("malformed link");
  }
  const std::string_view bytes(*raw);
  const std::string_view payload = bytes.substr(0, kPayloadBytes);
  if (!ConstantTimeEquals(Mac(payload, secret), bytes.substr(kPayloadBytes))) {
    return Status::Unauthorized("this link is not valid");
  }
  TokenClaims claims;
  claims.purpose = static_cast<TokenPurpose>(static_cast<unsigned char>(payload[0]));
  claims.invitation_id = GetInt64(payload.substr(1, 8));
  claims.expires_at = GetInt64(payload.substr(9, 8));
  if (claims.purpose != purpose) return Status::Unauthorized("this link is not valid");
  if (now >= claims.expires_at) return Status::NotFound("this link has expired");
  return claims;
}

std::string LinkFormToken(std::string_view token, std::string_view secret) {
  return Base64UrlEncode(Mac("csrf:" + std::string(token), secret));
}

}  // namespace callexa
