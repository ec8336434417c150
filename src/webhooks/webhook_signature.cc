#include "webhooks/webhook_signature.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "common/encoding.h"
#include "common/secrets.h"

namespace callexa {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";

std::string RandomBytes(size_t n) {
  const std::string hex = RandomHex(n);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

}  // namespace

std::string NewWebhookSecret() {
  return std::string(kSecretPrefix) + Base64Encode(RandomBytes(32));
}

std::string NewWebhookMessageId() { return "msg_" + RandomHex(16); }

Result<std::string> StandardSignature(std::string_view secret, std::string_view msg_id,
                                      int64_t timestamp, std::string_view body) {
  if (secret.substr(0, kSecretPrefix.size()) == kSecretPrefix) {
    secret.remove_prefix(kSecretPrefix.size());
  }
  const std::optional<std::string> key = Base64Decode(secret);
  if (!key || key->empty()) {
    return Status::InvalidArgument("secret: not a webhook secret (whsec_ and base64)");
  }
  const std::string header = std::string(msg_id) + "." + std::to_string(timestamp) + ".";
  unsigned char mac[EVP_MAX_MD_SIZE];
  // EVP_MAC streams "{id}.{timestamp}." and the body without copying them
  // into one buffer.
  EVP_MAC *hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX *mctx = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(
                             OSSL_MAC_PARAM_DIGEST, const_cast<char *>("SHA256"), 0),
                         OSSL_PARAM_construct_end()};
  size_t out_len = 0;
  const bool ok =
      mctx != nullptr &&
      EVP_MAC_init(mctx, reinterpret_cast<const unsigned char *>(key->data()),
                   key->size(), params) == 1 &&
      EVP_MAC_update(mctx, reinterpret_cast<const unsigned char *>(header.data()),
                     header.size()) == 1 &&
      EVP_MAC_update(mctx, reinterpret_cast<const unsigned char *>(body.data()),
                     body.size()) == 1 &&
      EVP_MAC_final(mctx, mac, &out_len, sizeof mac) == 1;
  EVP_MAC_CTX_free(mctx);
  EVP_MAC_free(hmac);
  if (!ok) return Status::IOError("could not sign the webhook", "HMAC-SHA256 failed");
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<char *>(mac), out_len));
}

}  // namespace callexa
