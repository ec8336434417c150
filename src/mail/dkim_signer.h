// DKIM signing of whole messages (RFC 6376, RFC 8463): the DKIM-Signature
// header fields the callexa_dkim directive asks for, c=relaxed/relaxed, no
// l=, every header of kDkimSignedHeaders oversigned. The keys are loaded
// once, at configuration time (`nginx -t` refuses a bad one), and shared by
// every transport of a worker.
#ifndef CALLEXA_MAIL_DKIM_SIGNER_H_
#define CALLEXA_MAIL_DKIM_SIGNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mail/dkim_key.h"

namespace callexa {

// The header fields signed, in h= order. Each name is listed once more than
// the message has fields of it, so that a field of that name added in
// transit (a second Subject, a Reply-To) breaks the signature. RFC 8058
// requires List-Unsubscribe and List-Unsubscribe-Post to be signed.
extern const char *const kDkimSignedHeaders[10];

// The callexa_dkim directive's arguments, paths already absolute.
struct DkimSettings {
  std::string domain;            // d=, e.g. "example.com"
  std::string selector;          // s= of the RSA key, e.g. "callexa2026"
  std::string key_file;          // PEM RSA private key, 2048 bits or more
  std::string ed25519_key_file;  // optional PEM Ed25519 private key
};

// One TXT record the domain's owner publishes.
struct DkimDnsRecord {
  std::string algorithm;  // "rsa-sha256" / "ed25519-sha256"
  std::string name;       // "SELECTOR._domainkey.DOMAIN"
  std::string value;      // "v=DKIM1; k=rsa; p=..."
};

// The base64 SHA-256 of the relaxed body: the bh= tag.
std::string DkimBodyHash(std::string_view body);

// Whether a From domain passes DMARC's relaxed alignment with the DKIM
// domain, in the simple form we check: one equals the other or is a
// subdomain of it (case-insensitive). The full rule compares organizational
// domains, which needs the Public Suffix List; this one never says "aligned"
// wrongly.
bool DkimAligned(std::string_view dkim_domain, std::string_view from_domain);

// Immutable after Create; Sign is safe from several threads at once.
class DkimSigner {
 public:
  // Checks the domain and selector (ASCII domain-name syntax) and loads the
  // keys. InvalidArgument with the message `nginx -t` prints: it starts
  // with "callexa_dkim: " and names the key file at fault.
  static Result<std::shared_ptr<const DkimSigner>> Load(const DkimSettings &settings);
  // The same with keys already loaded; `ed25519` may be null.
  static Result<std::shared_ptr<const DkimSigner>> Create(
      std::string domain, std::string selector, std::unique_ptr<DkimKey> rsa,
      std::unique_ptr<DkimKey> ed25519);

  // `message` (CRLF, 7-bit, lines of at most 998 characters: CheckWireForm)
  // with its DKIM-Signature fields in front: rsa-sha256 first, then
  // ed25519-sha256 (s=ed25519_selector()) if there is an Ed25519 key. `now`
  // is the t= tag.
  // InvalidArgument for a message not fit to send, IOError if OpenSSL fails.
  Result<std::string> Sign(std::string_view message, int64_t now) const;

  const std::string &domain() const { return domain_; }
  const std::string &selector() const { return selector_; }
  // The Ed25519 key's selector: "<selector>-ed25519", since each selector's
  // TXT record holds one key.
  std::string ed25519_selector() const;
  // The records to publish, RSA first.
  std::vector<DkimDnsRecord> DnsRecords() const;

 private:
  DkimSigner() = default;
  Result<std::string> SignatureField(const DkimKey &key, std::string_view headers_data,
                                     const std::string &signed_names,
                                     const std::string &body_hash,
                                     const std::string &selector, int64_t now) const;

  std::string domain_, selector_;
  std::unique_ptr<DkimKey> rsa_, ed25519_;
};

}  // namespace callexa

#endif  // CALLEXA_MAIL_DKIM_SIGNER_H_
