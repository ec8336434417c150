// A private key that signs DKIM signatures, through OpenSSL's EVP API:
// rsa-sha256 (RFC 6376) or ed25519-sha256 (RFC 8463). No signing code of
// our own.
#ifndef CALLEXA_MAIL_DKIM_KEY_H_
#define CALLEXA_MAIL_DKIM_KEY_H_

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

enum class DkimAlgorithm { kRsaSha256, kEd25519Sha256 };

// The shortest RSA key accepted: RFC 8301 3.2 requires 1024 bits, and the
// large mailbox providers expect 2048.
constexpr int kDkimMinRsaBits = 2048;

// "rsa-sha256" or "ed25519-sha256", as the a= tag says.
const char *DkimAlgorithmName(DkimAlgorithm algorithm);

// Immutable once loaded; Sign may be called from several threads at once
// (each call has its own EVP context).
class DkimKey {
 public:
  // A PEM private key of `algorithm`: PKCS#8 ("BEGIN PRIVATE KEY", what
  // `openssl genpkey` writes) or, for RSA, PKCS#1 ("BEGIN RSA PRIVATE
  // KEY"). InvalidArgument, never quoting the key, when it is not a PEM
  // private key, is encrypted, is of the other algorithm, or is an RSA key
  // shorter than kDkimMinRsaBits.
  static Result<std::unique_ptr<DkimKey>> FromPem(std::string_view pem,
                                                  DkimAlgorithm algorithm);
  // FromPem on the contents of `path`; InvalidArgument with the system's
  // reason when it cannot be read.
  static Result<std::unique_ptr<DkimKey>> FromPemFile(const std::string &path,
                                                      DkimAlgorithm algorithm);
  ~DkimKey();
  DkimKey(const DkimKey &) = delete;
  DkimKey &operator=(const DkimKey &) = delete;

  DkimAlgorithm algorithm() const { return algorithm_; }
  int bits() const;

  // The value of the DNS TXT record that publishes the public key:
  // "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo DER>" or
  // "v=DKIM1; k=ed25519; p=<base64 of the raw 32-byte key>" (RFC 8463 4).
  std::string DnsRecord() const;

  // The raw signature of canonicalized `data` (not yet base64):
  // RSASSA-PKCS1-v1_5 with SHA-256 for RSA; for Ed25519, PureEdDSA over the
  // SHA-256 hash of `data` (RFC 8463 3). IOError if OpenSSL fails.
  Result<std::string> Sign(std::string_view data) const;

 private:
  DkimKey(EVP_PKEY *key, DkimAlgorithm algorithm) : key_(key), algorithm_(algorithm) {}

  EVP_PKEY *const key_;
  const DkimAlgorithm algorithm_;
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_DKIM_KEY_H_
