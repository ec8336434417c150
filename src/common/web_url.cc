#include "common/web_url.h"

#include <string>

namespace callexa {
namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool IsHttpsUrl(std::string_view url) { return StartsWithNoCase(url, "https://"); }

Status CheckWebUrl(std::string_view url, bool require_https, std::string_view what) {
  const std::string name(what);
  if (url.size() > kMaxUrlLength) {
    return Status::InvalidArgument(name + " is longer than " +
                                   std::to_string(kMaxUrlLength) + " characters");
  }
  size_t rest = 0;
  if (StartsWithNoCase(url, "https://")) {
    rest = 8;
  } else if (!require_https && StartsWithNoCase(url, "http://")) {
    rest = 7;
  } else {
    return Status::InvalidArgument(name + (require_https ? " must be an https:// URL"
                                                         : " must be an http(s):// URL"));
  }
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' ||
        c == '\\' || c == '`') {
      return Status::InvalidArgument(name + " contains a character not allowed in a URL");
    }
  }
  const size_t end = url.find_first_of("/?#", rest);
  const std::string_view authority = url.substr(rest, end == url.npos ? end : end - rest);
  if (authority.empty() || authority.front() == ':') {
    return Status::InvalidArgument(name + " has no host");
  }
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument(name + " must not contain user info");
  }
  return Status::Ok();
}

}  // namespace callexa
