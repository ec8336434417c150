#include "policy/erasure.h"

#include <openssl/evp.h>

namespace callexa {

std::string ErasedEmailKey(std::string_view email) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(email.data(), email.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string key = "erased:";
  for (unsigned int i = 0; i < len; ++i) {
    key.push_back(kHex[digest[i] >> 4]);
    key.push_back(kHex[digest[i] & 0xf]);
  }
  return key;
}

}  // namespace callexa
