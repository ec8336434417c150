#include "webhooks/webhook_target.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

#include "common/curl_global.h"
#include "common/web_url.h"

namespace callexa {
namespace {

struct Range4 {
  uint32_t base;
  int bits;
};

constexpr uint32_t Ip4(int a, int b, int c, int d) {
  return static_cast<uint32_t>(a) << 24 | static_cast<uint32_t>(b) << 16 |
         static_cast<uint32_t>(c) << 8 | static_cast<uint32_t>(d);
}

bool In(uint32_t ip, const Range4 &r) {
  const uint32_t mask = r.bits == 0 ? 0 : ~uint32_t{0} << (32 - r.bits);
  return (ip & mask) == (r.base & mask);
}

// Never a webhook's peer, whatever the operator allows.
constexpr Range4 kNever4[] = {
    {Ip4(0, 0, 0, 0), 8},           // "this network", 0.0.0.0
    {Ip4(169, 254, 169, 254), 32},  // cloud metadata
    {Ip4(224, 0, 0, 0), 4},         // multicast
    {Ip4(255, 255, 255, 255), 32},  // broadcast
};

// Not on the public Internet: allowed only with private networks.
constexpr Range4 kPrivate4[] = {
    {Ip4(10, 0, 0, 0), 8},      {Ip4(100, 64, 0, 0), 10},  // CGNAT
    {Ip4(127, 0, 0, 0), 8},     {Ip4(169, 254, 0, 0), 16},
    {Ip4(172, 16, 0, 0), 12},   {Ip4(192, 0, 0, 0), 24},    // IETF assignments
    {Ip4(192, 0, 2, 0), 24},    {Ip4(192, 88, 99, 0), 24},  // TEST-NET-1, 6to4 relay
    {Ip4(192, 168, 0, 0), 16},  {Ip4(198, 18, 0, 0), 15},   // benchmarking
    {Ip4(198, 51, 100, 0), 24}, {Ip4(203, 0, 113, 0), 24},  // TEST-NET-2, -3
    {Ip4(240, 0, 0, 0), 4},                                 // reserved
};

bool Ip4Allowed(uint32_t ip, bool allow_private) {
  for (const Range4 &r : kNever4) {
    if (In(ip, r)) return false;
  }
  if (allow_private) return true;
  for (const Range4 &r : kPrivate4) {
    if (In(ip, r)) return false;
  }
  return true;
}

uint32_t Ip4At(const uint8_t *b) { return Ip4(b[0], b[1], b[2], b[3]); }

bool Prefix(const uint8_t *a, std::initializer_list<uint8_t> bytes) {
  size_t i = 0;
  for (uint8_t b : bytes) {
    if (a[i++] != b) return false;
  }
  return true;
}

bool Ip6Allowed(const uint8_t *a, bool allow_private) {
  static const uint8_t kZero[16] = {};
  // Forms that carry an IPv4 address are judged by it: IPv4-mapped
  // ::ffff:0:0/96, IPv4-compatible ::/96 (:: and ::1 included, as 0.0.0.0
  // and 0.0.0.1), NAT64 64:ff9b::/96 and 6to4 2002::/16.
  if (Prefix(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}) ||
      std::memcmp(a, kZero, 12) == 0) {
    if (std::memcmp(a, kZero, 15) == 0 && a[15] == 1) return allow_private;  // ::1
    return Ip4Allowed(Ip4At(a + 12), allow_private);
  }
  if (Prefix(a, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return Ip4Allowed(Ip4At(a + 12), allow_private);
  }
  if (Prefix(a, {0x20, 0x02})) return Ip4Allowed(Ip4At(a + 2), allow_private);
  if (a[0] == 0xff) return false;  // multicast
  // fd00:ec2::254, the EC2 metadata service over IPv6.
  if (Prefix(a, {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54})) {
    return false;
  }
  if (allow_private) return true;
  // Only global unicast 2000::/3, less its special blocks: 2001::/23 (Teredo
  // and other IETF assignments), 2001:db8::/32 and 3fff::/20 (documentation).
  // That leaves out loopback, fc00::/7, fe80::/10, fec0::/10, 100::/64 and
  // every other reserved block.
  if ((a[0] & 0xe0) != 0x20) return false;
  if (a[0] == 0x20 && a[1] == 0x01 && (a[2] & 0xfe) == 0) return false;
  if (Prefix(a, {0x20, 0x01, 0x0d, 0xb8})) return false;
  if (a[0] == 0x3f && a[1] == 0xff && a[2] < 0x10) return false;
  return true;
}

bool IsLocalhostName(std::string host) {
  for (char &c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!host.empty() && host.back() == '.') host.pop_back();
  const std::string suffix = ".localhost";
  return host == "localhost" ||
         (host.size() > suffix.size() &&
          host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
}

}  // namespace

bool WebhookAddressAllowed(const struct sockaddr *addr, bool allow_private_networks) {
  if (addr == nullptr) return false;
  if (addr->sa_family == AF_INET) {
    const auto *in = reinterpret_cast<const sockaddr_in *>(addr);
    return Ip4Allowed(ntohl(in->sin_addr.s_addr), allow_private_networks);
  }
  if (addr->sa_family == AF_INET6) {
    const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(addr);
    return Ip6Allowed(in6->sin6_addr.s6_addr, allow_private_networks);
  }
  return false;
}

std::string WebhookAddressText(const struct sockaddr *addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr != nullptr && addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(addr)->sin_addr, text,
              sizeof text);
  } else if (addr != nullptr && addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(addr)->sin6_addr, text,
              sizeof text);
  } else {
    return "an address of an unknown family";
  }
  return text;
}

Status CheckWebhookUrl(std::string_view url, bool allow_private_networks) {
  Status s = CheckWebUrl(url, !allow_private_networks, "url");
  if (!s.ok()) {
    if (!allow_private_networks && s.message() == "url must be an https:// URL") {
      return Status::InvalidArgument(
          "url must be an https:// URL (plain http needs "
          "callexa_webhook_private_networks)");
    }
    return s;
  }
  s = EnsureCurlGlobalInit();
  if (!s.ok()) return s;
  // libcurl's own parser: the host and port checked are those it connects to.
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u) return Status::IOError("could not check the url", "curl_url failed");
  const std::string text(url);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("url is not a valid URL (check the host and port)");
  }
  char *host_part = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &host_part, 0) != CURLUE_OK ||
      host_part == nullptr) {
    return Status::InvalidArgument("url has no host");
  }
  std::string host(host_part);
  curl_free(host_part);
  char *port_part = nullptr;
  if (curl_url_get(u.get(), CURLUPART_PORT, &port_part, 0) == CURLUE_OK) {
    const long port = std::strtol(port_part, nullptr, 10);
    curl_free(port_part);
    if (port <= 0 || port > 65535)
      return Status::InvalidArgument("url has an invalid port");
  }
  char *zone = nullptr;
  if (curl_url_get(u.get(), CURLUPART_ZONEID, &zone, 0) == CURLUE_OK) {
    curl_free(zone);
    return Status::InvalidArgument("url must not name an IPv6 zone");
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  sockaddr_in in{};
  sockaddr_in6 in6{};
  const sockaddr *literal = nullptr;
  if (inet_pton(AF_INET, host.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    literal = reinterpret_cast<const sockaddr *>(&in);
  } else if (inet_pton(AF_INET6, host.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    literal = reinterpret_cast<const sockaddr *>(&in6);
  }
  if (literal != nullptr && !WebhookAddressAllowed(literal, allow_private_networks)) {
    return Status::InvalidArgument("url points at " + WebhookAddressText(literal) +
                                   (allow_private_networks
                                        ? ", an address webhooks may never use"
                                        : ", a private network address; "
                                          "callexa_webhook_private_networks allows it"));
  }
  if (literal == nullptr && !allow_private_networks && IsLocalhostName(host)) {
    return Status::InvalidArgument(
        "url points at localhost; callexa_webhook_private_networks allows it");
  }
  return Status::Ok();
}

}  // namespace callexa
