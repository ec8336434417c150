#include "mail/dkim_signer.h"

#include <openssl/evp.h>

#include <algorithm>

#include "common/encoding.h"
#include "mail/dkim_canon.h"
#include "mail/mime_encoding.h"

namespace callexa {

const char *const kDkimSignedHeaders[10] = {"From",
                                            "To",
                                            "Subject",
                                            "Date",
                                            "Message-ID",
                                            "MIME-Version",
                                            "Content-Type",
                                            "Reply-To",
                                            "List-Unsubscribe",
                                            "List-Unsubscribe-Post"};

namespace {

constexpr std::string_view kFieldName = "DKIM-Signature";
constexpr const char *kEd25519SelectorSuffix = "-ed25519";

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = Lower(c);
  return out;
}

// A host name in ASCII (RFC 1035 labels; RFC 6376's sub-domain syntax for
// d= and s=): 1 to 63 letters, digits and inner hyphens per label.
bool IsDomainName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    const std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    if (dot == s.size()) return true;
    start = dot + 1;
  }
}

// A header field being written, folded at spaces (or, for glued tokens,
// between them) so that its lines stay within kHeaderLineLimit.
class FoldedField {
 public:
  explicit FoldedField(std::string_view name) : text_(name), column_(name.size()) {
    text_ += ':';
    ++column_;
  }

  void Add(std::string_view token, bool glued = false) {
    const size_t width = (glued ? 0 : 1) + token.size();
    if (column_ + width > kHeaderLineLimit && column_ > 1) {
      text_ += "\r\n ";
      column_ = 1;
    } else if (!glued) {
      text_ += ' ';
      ++column_;
    }
    text_ += token;
    column_ += token.size();
  }

  // Base64 may be folded anywhere (RFC 6376 2.4): fill each line.
  void AddBase64(std::string_view b64) {
    while (!b64.empty()) {
      if (column_ >= kHeaderLineLimit) {
        text_ += "\r\n ";
        column_ = 1;
      }
      const size_t n = std::min(b64.size(), kHeaderLineLimit - column_);
      text_ += b64.substr(0, n);
      column_ += n;
      b64.remove_prefix(n);
    }
  }

  const std::string &text() const { return text_; }

 private:
  std::string text_;
  size_t column_;
};

std::string Sha256(std::string_view data) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), hash, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char *>(hash), size);
}

}  // namespace

std::string DkimSigner::ed25519_selector() const {
  return selector_ + kEd25519SelectorSuffix;
}

std::string DkimBodyHash(std::string_view body) {
  return Base64Encode(Sha256(RelaxedBody(body)));
}

bool DkimAligned(std::string_view dkim_domain, std::string_view from_domain) {
  const std::string a = Lowered(dkim_domain), b = Lowered(from_domain);
  if (a.empty() || b.empty()) return false;
  const auto under = [](const std::string &sub, const std::string &parent) {
    return sub.size() > parent.size() + 1 &&
           sub.compare(sub.size() - parent.size(), parent.size(), parent) == 0 &&
           sub[sub.size() - parent.size() - 1] == '.';
  };
  return a == b || under(a, b) || under(b, a);
}

Result<std::shared_ptr<const DkimSigner>> DkimSigner::Create(
    std::string domain, std::string selector, std::unique_ptr<DkimKey> rsa,
    std::unique_ptr<DkimKey> ed25519) {
  if (!IsDomainName(domain)) {
    return Status::InvalidArgument("callexa_dkim: invalid domain \"" + domain +
                                   "\" (ASCII letters, digits, hyphens and dots; an "
                                   "internationalized domain in its xn-- form)");
  }
  // The Ed25519 key needs a selector of its own (one key per TXT record).
  if (!IsDomainName(selector) || !IsDomainName(selector + kEd25519SelectorSuffix)) {
    return Status::InvalidArgument("callexa_dkim: invalid selector \"" + selector +
                                   "\" (letters, digits, hyphens and dots)");
  }
  if (rsa == nullptr || rsa->algorithm() != DkimAlgorithm::kRsaSha256 ||
      (ed25519 != nullptr && ed25519->algorithm() != DkimAlgorithm::kEd25519Sha256)) {
    return Status::InvalidArgument(
        "callexa_dkim: an RSA key, then optionally an Ed25519 key");
  }
  std::shared_ptr<DkimSigner> signer(new DkimSigner());
  signer->domain_ = Lowered(domain);
  signer->selector_ = Lowered(selector);
  signer->rsa_ = std::move(rsa);
  signer->ed25519_ = std::move(ed25519);
  return std::shared_ptr<const DkimSigner>(std::move(signer));
}

Result<std::shared_ptr<const DkimSigner>> DkimSigner::Load(const DkimSettings &settings) {
  const auto load = [](const std::string &path,
                       DkimAlgorithm algorithm) -> Result<std::unique_ptr<DkimKey>> {
    auto key = DkimKey::FromPemFile(path, algorithm);
    if (!key.ok()) {
      return Status::InvalidArgument("callexa_dkim: the key file \"" + path + "\" " +
                                     key.status().message());
    }
    return key;
  };
  auto rsa = load(settings.key_file, DkimAlgorithm::kRsaSha256);
  if (!rsa.ok()) return rsa.status();
  std::unique_ptr<DkimKey> ed25519;
  if (!settings.ed25519_key_file.empty()) {
    auto key = load(settings.ed25519_key_file, DkimAlgorithm::kEd25519Sha256);
    if (!key.ok()) return key.status();
    ed25519 = std::move(key.value());
  }
  return Create(settings.domain, settings.selector, std::move(rsa.value()),
                std::move(ed25519));
}

Result<std::string> DkimSigner::SignatureField(
    const DkimKey &key, std::string_view headers_data, const std::string &signed_names,
    const std::string &body_hash, const std::string &selector, int64_t now) const {
  FoldedField field(kFieldName);
  field.Add("v=1;");
  field.Add(std::string("a=") + DkimAlgorithmName(key.algorithm()) + ";");
  field.Add("c=relaxed/relaxed;");
  field.Add("d=" + domain_ + ";");
  field.Add("s=" + selector + ";");
  field.Add("t=" + std::to_string(now) + ";");
  // h= may fold after any colon.
  size_t start = 0;
  while (start < signed_names.size()) {
    size_t colon = signed_names.find(':', start);
    colon = colon == std::string::npos ? signed_names.size() : colon + 1;
    const std::string piece = signed_names.substr(start, colon - start);
    if (start == 0) {
      field.Add("h=" + piece);
    } else {
      field.Add(piece, true);
    }
    start = colon;
  }
  field.Add(";", true);
  field.Add("bh=" + body_hash + ";");
  field.Add("b=");
  // The signature covers this very field with b= empty, as it is written
  // (relaxed, without its CRLF), after the signed header fields.
  std::string data(headers_data);
  const std::string self = RelaxedHeader(
      kFieldName, std::string_view(field.text()).substr(kFieldName.size() + 1));
  data.append(self, 0, self.size() - 2);
  auto signature = key.Sign(data);
  if (!signature.ok()) return signature.status();
  field.AddBase64(Base64Encode(*signature));
  return field.text() + "\r\n";
}

Result<std::string> DkimSigner::Sign(std::string_view message, int64_t now) const {
  Status form = CheckWireForm(message);
  if (!form.ok()) {
    return Status::InvalidArgument("DKIM: the message is not fit to send: " +
                                   form.message());
  }
  auto split = SplitMessage(message);
  if (!split.ok()) return Status::InvalidArgument("DKIM: " + split.status().message());
  std::vector<std::string> names;
  std::string signed_names;
  for (const char *name : kDkimSignedHeaders) {
    size_t present = 0;
    for (const HeaderField &f : split->headers) {
      std::string_view field_name = f.name;
      while (!field_name.empty() &&
             (field_name.back() == ' ' || field_name.back() == '\t')) {
        field_name.remove_suffix(1);
      }
      if (Lowered(field_name) == Lowered(name)) ++present;
    }
    for (size_t i = 0; i <= present; ++i) {
      names.emplace_back(name);
      if (!signed_names.empty()) signed_names += ':';
      signed_names += name;
    }
  }
  const std::string headers_data = RelaxedSignedHeaders(split->headers, names);
  const std::string body_hash = DkimBodyHash(split->body);
  auto rsa = SignatureField(*rsa_, headers_data, signed_names, body_hash, selector_, now);
  if (!rsa.ok()) return rsa.status();
  std::string out = std::move(rsa.value());
  if (ed25519_ != nullptr) {
    auto ed = SignatureField(*ed25519_, headers_data, signed_names, body_hash,
                             ed25519_selector(), now);
    if (!ed.ok()) return ed.status();
    out += *ed;
  }
  out.append(message);
  return out;
}

std::vector<DkimDnsRecord> DkimSigner::DnsRecords() const {
  const auto name = [this](const std::string &selector) {
    return selector + "._domainkey." + domain_;
  };
  std::vector<DkimDnsRecord> out;
  out.push_back(
      {DkimAlgorithmName(DkimAlgorithm::kRsaSha256), name(selector_), rsa_->DnsRecord()});
  if (ed25519_ != nullptr) {
    out.push_back({DkimAlgorithmName(DkimAlgorithm::kEd25519Sha256),
                   name(ed25519_selector()), ed25519_->DnsRecord()});
  }
  return out;
}

}  // namespace callexa
