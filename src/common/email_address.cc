#include "common/email_address.h"

#include <idn2.h>

#include <cctype>
#include <memory>

namespace callexa {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsAtext(char c) {
  return IsAlnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAtext(s[i])) {
      return false;
    }
  }
  return true;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The domain as A-labels; InvalidArgument when IDNA2008 refuses it.
Result<std::string> DomainToAscii(const std::string &domain) {
  if (IsAscii(domain)) return domain;
  char *out = nullptr;
  const int rc = idn2_to_ascii_8z(domain.c_str(), &out, IDN2_NONTRANSITIONAL);
  const std::unique_ptr<char, decltype(&idn2_free)> owned(out, idn2_free);
  if (rc != IDN2_OK) {
    return Status::InvalidArgument(
        std::string("has a domain that is not a valid internationalised domain name (") +
        idn2_strerror(rc) + ")");
  }
  return AsciiLower(out);
}

}  // namespace

Result<std::string> NormalizeEmail(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) {
    raw.remove_prefix(1);
  }
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) {
    raw.remove_suffix(1);
  }
  const Status invalid = Status::InvalidArgument("is not a valid email address");
  const size_t at = raw.rfind('@');
  if (raw.size() > 254 || at == std::string_view::npos || at == 0) return invalid;
  const std::string_view local = raw.substr(0, at);
  if (!IsAscii(local)) {
    return Status::InvalidArgument(
        "has characters outside ASCII before the @: internationalised mailboxes need "
        "SMTPUTF8 on every server on the way, which Callexa does not rely on");
  }
  auto domain = DomainToAscii(AsciiLower(raw.substr(at + 1)));
  if (!domain.ok()) return domain.status();
  std::string address = AsciiLower(local) + "@" + *domain;
  const size_t dot = domain->find('.');
  if (dot == std::string::npos || !IsValidMailAddress(address)) return invalid;
  return address;
}

bool IsValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t label_start = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i < domain.size() && domain[i] != '.') {
      if (!IsAlnum(domain[i]) && domain[i] != '-') return false;
      continue;
    }
    const std::string_view label = domain.substr(label_start, i - label_start);
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    label_start = i + 1;
  }
  return true;
}

bool IsValidMailAddress(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || address.size() > 254 || at > 64) return false;
  return IsDotAtom(address.substr(0, at)) && IsValidDomain(address.substr(at + 1));
}

}  // namespace callexa
