// Keys and an independent verifier for the DKIM tests: the RFC 8463
// Appendix A keys, a 2048-bit RSA key made once per test run, and a check
// of a DKIM-Signature with OpenSSL's verify side (the signer only signs).
#ifndef CALLEXA_TESTS_UNIT_MAIL_DKIM_TEST_KEYS_H_
#define CALLEXA_TESTS_UNIT_MAIL_DKIM_TEST_KEYS_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/encoding.h"
#include "mail/dkim_canon.h"

namespace callexa {
namespace dkimtest {

// RFC 8463 A.2: the Ed25519 private key (the 32-byte seed) and its public key.
constexpr char kRfc8463Ed25519Seed[] = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
constexpr char kRfc8463Ed25519Public[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

// RFC 8463 A.1: the RSA key of the "test" selector, 1024 bits (too short
// for us).
constexpr char kRfc8463Rsa1024Pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";

// An Ed25519 seed as a PKCS#8 PEM ("openssl genpkey -algorithm ed25519").
inline std::string Ed25519PemFromSeed(std::string_view seed_base64) {
  const std::string prefix(
      "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16);
  return "-----BEGIN PRIVATE KEY-----\n" +
         Base64Encode(prefix + Base64Decode(seed_base64).value_or("")) +
         "\n-----END PRIVATE KEY-----\n";
}

inline std::string PemOf(EVP_PKEY *key) {
  BIO *bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char *data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

// A fresh RSA key of `bits` as PEM; 2048 bits made once per process.
inline std::string RsaPem(unsigned bits = 2048) {
  static const std::string k2048 = [] {
    EVP_PKEY *key = EVP_RSA_gen(2048);
    std::string pem = PemOf(key);
    EVP_PKEY_free(key);
    return pem;
  }();
  if (bits == 2048) return k2048;
  EVP_PKEY *key = EVP_RSA_gen(bits);
  std::string pem = PemOf(key);
  EVP_PKEY_free(key);
  return pem;
}

// The tags of a DKIM-Signature value (FWS removed from the values).
inline std::map<std::string, std::string> Tags(std::string_view value) {
  std::map<std::string, std::string> tags;
  std::string clean;
  for (char c : value) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') clean.push_back(c);
  }
  size_t start = 0;
  while (start < clean.size()) {
    size_t end = clean.find(';', start);
    if (end == std::string::npos) end = clean.size();
    const std::string tag = clean.substr(start, end - start);
    const size_t eq = tag.find('=');
    if (eq != std::string::npos) tags[tag.substr(0, eq)] = tag.substr(eq + 1);
    start = end + 1;
  }
  return tags;
}

// Whether the `index`-th DKIM-Signature of `message` verifies with the
// public key of `record` ("v=DKIM1; k=...; p=..."): the body hash, then the
// signature over the h= fields and the signature field with b= emptied.
// Empty when it verifies, else what failed.
inline std::string Verify(std::string_view message, const std::string &record,
                          size_t index = 0) {
  auto split = SplitMessage(message);
  if (!split.ok()) return "unparsable";
  const HeaderField *field = nullptr;
  size_t seen = 0;
  for (const HeaderField &f : split->headers) {
    if (f.name == "DKIM-Signature" && seen++ == index) field = &f;
  }
  if (field == nullptr) return "no DKIM-Signature";
  const auto tags = Tags(field->value);
  const auto key_tags = Tags(record);
  std::string body = RelaxedBody(split->body);
  unsigned char hash[32];
  unsigned int hash_size = 0;
  EVP_Digest(body.data(), body.size(), hash, &hash_size, EVP_sha256(), nullptr);
  if (Base64Encode(std::string(reinterpret_cast<char *>(hash), hash_size)) !=
      tags.at("bh")) {
    return "body hash mismatch";
  }
  std::vector<std::string> names;
  const std::string h = tags.at("h");
  for (size_t start = 0; start <= h.size();) {
    size_t colon = h.find(':', start);
    if (colon == std::string::npos) colon = h.size();
    names.push_back(h.substr(start, colon - start));
    start = colon + 1;
  }
  // b= emptied as a verifier does: its value up to the next ";" or the end.
  std::string value(field->value);
  const size_t b = value.find("b=", value.find(';', value.find("bh=")));
  size_t b_end = value.find(';', b);
  value.erase(b + 2, (b_end == std::string::npos ? value.size() : b_end) - b - 2);
  std::string data = RelaxedSignedHeaders(split->headers, names);
  const std::string self = RelaxedHeader("DKIM-Signature", value);
  data.append(self, 0, self.size() - 2);
  const std::string signature = Base64Decode(tags.at("b")).value_or("");
  const std::string p = Base64Decode(key_tags.at("p")).value_or("");
  const bool rsa = key_tags.at("k") == "rsa";
  EVP_PKEY *key = nullptr;
  if (rsa) {
    const unsigned char *in = reinterpret_cast<const unsigned char *>(p.data());
    key = d2i_PUBKEY(nullptr, &in, static_cast<long>(p.size()));
  } else {
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                      reinterpret_cast<const unsigned char *>(p.data()),
                                      p.size());
    EVP_Digest(data.data(), data.size(), hash, &hash_size, EVP_sha256(), nullptr);
    data.assign(reinterpret_cast<char *>(hash), hash_size);
  }
  if (key == nullptr) return "bad public key";
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, rsa ? EVP_sha256() : nullptr, nullptr, key) ==
          1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(signature.data()),
                       signature.size(),
                       reinterpret_cast<const unsigned char *>(data.data()),
                       data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok ? "" : "signature mismatch";
}

}  // namespace dkimtest
}  // namespace callexa

#endif  // CALLEXA_TESTS_UNIT_MAIL_DKIM_TEST_KEYS_H_
