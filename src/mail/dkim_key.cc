#include "mail/dkim_key.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/encoding.h"

namespace callexa {
namespace {

// A key file is a few kilobytes; anything much larger is not one.
constexpr size_t kMaxKeyFileBytes = 64 * 1024;

// Refuses a passphrase: without this callback OpenSSL would prompt for one
// on the terminal of `nginx -t`.
int NoPassphrase(char *, int, int, void *) { return -1; }

struct BioDeleter {
  void operator()(BIO *b) const { BIO_free(b); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

const char *DkimAlgorithmName(DkimAlgorithm algorithm) {
  return algorithm == DkimAlgorithm::kRsaSha256 ? "rsa-sha256" : "ed25519-sha256";
}

Result<std::unique_ptr<DkimKey>> DkimKey::FromPem(std::string_view pem,
                                                  DkimAlgorithm algorithm) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Status::IOError("out of memory reading the key");
  EVP_PKEY *key = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  // The queue would otherwise surface in the next OpenSSL user (libcurl).
  ERR_clear_error();
  if (key == nullptr) {
    return Status::InvalidArgument(
        "is not an unencrypted PEM private key (make one with: openssl genpkey "
        "-algorithm RSA -pkeyopt rsa_keygen_bits:2048)");
  }
  const bool rsa = algorithm == DkimAlgorithm::kRsaSha256;
  const int type = EVP_PKEY_get_base_id(key);
  if (rsa && type != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return Status::InvalidArgument("is not an RSA private key");
  }
  if (!rsa && type != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return Status::InvalidArgument(
        "is not an Ed25519 private key (make one with: openssl genpkey -algorithm "
        "ed25519)");
  }
  if (rsa && EVP_PKEY_get_bits(key) < kDkimMinRsaBits) {
    const int bits = EVP_PKEY_get_bits(key);
    EVP_PKEY_free(key);
    return Status::InvalidArgument("is a " + std::to_string(bits) +
                                   "-bit RSA key; DKIM needs " +
                                   std::to_string(kDkimMinRsaBits) + " bits or more");
  }
  return std::unique_ptr<DkimKey>(new DkimKey(key, algorithm));
}

Result<std::unique_ptr<DkimKey>> DkimKey::FromPemFile(const std::string &path,
                                                      DkimAlgorithm algorithm) {
  FILE *file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::InvalidArgument(std::string("cannot be read: ") +
                                   std::strerror(errno));
  }
  std::string pem(kMaxKeyFileBytes + 1, '\0');
  const size_t n = std::fread(pem.data(), 1, pem.size(), file);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    OPENSSL_cleanse(pem.data(), pem.size());
    return Status::InvalidArgument(std::string("cannot be read: ") +
                                   std::strerror(error));
  }
  auto key = n > kMaxKeyFileBytes
                 ? Result<std::unique_ptr<DkimKey>>(
                       Status::InvalidArgument("is too large to be a private key"))
                 : FromPem(std::string_view(pem.data(), n), algorithm);
  OPENSSL_cleanse(pem.data(), pem.size());
  return key;
}

DkimKey::~DkimKey() { EVP_PKEY_free(key_); }

int DkimKey::bits() const { return EVP_PKEY_get_bits(key_); }

std::string DkimKey::DnsRecord() const {
  std::string raw;
  if (algorithm_ == DkimAlgorithm::kRsaSha256) {
    const int n = i2d_PUBKEY(key_, nullptr);
    if (n > 0) {
      raw.resize(static_cast<size_t>(n));
      unsigned char *out = reinterpret_cast<unsigned char *>(raw.data());
      i2d_PUBKEY(key_, &out);
    }
    return "v=DKIM1; k=rsa; p=" + Base64Encode(raw);
  }
  size_t n = 32;
  raw.resize(n);
  EVP_PKEY_get_raw_public_key(key_, reinterpret_cast<unsigned char *>(raw.data()), &n);
  raw.resize(n);
  return "v=DKIM1; k=ed25519; p=" + Base64Encode(raw);
}

Result<std::string> DkimKey::Sign(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  const bool rsa = algorithm_ == DkimAlgorithm::kRsaSha256;
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int hash_size = 0;
  // Ed25519 signs the hash (RFC 8463 3), RSA the data with SHA-256.
  if (!rsa && EVP_Digest(data.data(), data.size(), hash, &hash_size, EVP_sha256(),
                         nullptr) != 1) {
    ERR_clear_error();
    return Status::IOError("DKIM: SHA-256 failed");
  }
  const unsigned char *input =
      rsa ? reinterpret_cast<const unsigned char *>(data.data()) : hash;
  const size_t input_size = rsa ? data.size() : hash_size;
  size_t size = 0;
  std::string signature;
  const bool ok =
      ctx != nullptr &&
      EVP_DigestSignInit(ctx.get(), nullptr, rsa ? EVP_sha256() : nullptr, nullptr,
                         key_) == 1 &&
      EVP_DigestSign(ctx.get(), nullptr, &size, input, input_size) == 1 &&
      (signature.resize(size), true) &&
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()),
                     &size, input, input_size) == 1;
  if (!ok) {
    ERR_clear_error();
    return Status::IOError(std::string("DKIM: ") + DkimAlgorithmName(algorithm_) +
                           " signing failed");
  }
  signature.resize(size);
  return signature;
}

}  // namespace callexa
