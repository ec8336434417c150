#include "webhooks/webhook_target.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

namespace callexa {
namespace {

// The verdict on `ip` (IPv4 or IPv6 text) without and with private networks.
struct AddressCase {
  const char *ip;
  bool allowed_by_default;
  bool allowed_with_private;
};

bool Allowed(const std::string &ip, bool allow_private) {
  sockaddr_in in{};
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET, ip.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    return WebhookAddressAllowed(reinterpret_cast<sockaddr *>(&in), allow_private);
  }
  if (inet_pton(AF_INET6, ip.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    return WebhookAddressAllowed(reinterpret_cast<sockaddr *>(&in6), allow_private);
  }
  ADD_FAILURE() << "not an address: " << ip;
  return false;
}

TEST(WebhookTargetTest, JudgesAddresses) {
  const AddressCase cases[] = {
      // Public IPv4.
      {"93.184.216.34", true, true},
      {"8.8.8.8", true, true},
      {"1.1.1.1", true, true},
      {"100.63.255.255", true, true},
      {"100.128.0.0", true, true},
      {"172.15.255.255", true, true},
      {"172.32.0.0", true, true},
      {"192.169.0.1", true, true},
      {"169.255.0.1", true, true},
      // Private, loopback, link-local, shared, reserved IPv4.
      {"10.0.0.5", false, true},
      {"10.255.255.255", false, true},
      {"127.0.0.1", false, true},
      {"127.255.0.9", false, true},
      {"172.16.0.1", false, true},
      {"172.31.255.255", false, true},
      {"192.168.1.1", false, true},
      {"169.254.1.1", false, true},
      {"100.64.0.1", false, true},
      {"100.127.255.255", false, true},
      {"192.0.0.8", false, true},
      {"192.0.2.1", false, true},
      {"198.18.0.1", false, true},
      {"198.19.255.255", false, true},
      {"198.51.100.7", false, true},
      {"203.0.113.9", false, true},
      {"240.0.0.1", false, true},
      // Never, even with private networks allowed.
      {"0.0.0.0", false, false},
      {"0.1.2.3", false, false},
      {"169.254.169.254", false, false},
      {"224.0.0.1", false, false},
      {"239.255.255.250", false, false},
      {"255.255.255.255", false, false},
      // Public IPv6.
      {"2606:4700:4700::1111", true, true},
      {"2a00:1450:4001:82b::200e", true, true},
      {"2001:4860:4860::8888", true, true},
      // Loopback, private, link-local, reserved IPv6.
      {"::1", false, true},
      {"fc00::1", false, true},
      {"fd12:3456:789a::1", false, true},
      {"fe80::1", false, true},
      {"febf::1", false, true},
      {"fec0::1", false, true},
      {"100::1", false, true},
      {"2001:db8::1", false, true},
      {"2001::1", false, true},       // Teredo
      {"2001:2::1", false, true},     // benchmarking
      {"3fff::1", false, true},       // documentation
      {"4000::1", false, true},       // outside 2000::/3
      {"64:ff9b:1::1", false, true},  // local-use NAT64
      // IPv6 forms that carry an IPv4 address are judged by it.
      {"::ffff:8.8.8.8", true, true},
      {"::ffff:10.0.0.5", false, true},
      {"::ffff:127.0.0.1", false, true},
      {"::ffff:169.254.169.254", false, false},
      {"::ffff:0.0.0.0", false, false},
      {"::8.8.8.8", true, true},  // IPv4-compatible
      {"::10.0.0.5", false, true},
      {"::127.0.0.1", false, true},
      {"64:ff9b::8.8.8.8", true, true},  // NAT64
      {"64:ff9b::10.0.0.5", false, true},
      {"64:ff9b::7f00:1", false, true},
      {"64:ff9b::a9fe:a9fe", false, false},
      {"2002:0808:0808::1", true, true},   // 6to4 of 8.8.8.8
      {"2002:0a00:0005::1", false, true},  // 6to4 of 10.0.0.5
      {"2002:7f00:0001::1", false, true},
      {"2002:a9fe:a9fe::1", false, false},
      // Never.
      {"::", false, false},
      {"ff02::1", false, false},
      {"ff0e::1", false, false},
      {"fd00:ec2::254", false, false},
  };
  for (const AddressCase &c : cases) {
    EXPECT_EQ(Allowed(c.ip, false), c.allowed_by_default) << c.ip << " by default";
    EXPECT_EQ(Allowed(c.ip, true), c.allowed_with_private) << c.ip << " with private";
  }
}

TEST(WebhookTargetTest, RefusesOtherFamiliesAndNull) {
  sockaddr unix_addr{};
  unix_addr.sa_family = AF_UNIX;
  EXPECT_FALSE(WebhookAddressAllowed(&unix_addr, true));
  EXPECT_FALSE(WebhookAddressAllowed(nullptr, true));
}

TEST(WebhookTargetTest, NamesAddresses) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  inet_pton(AF_INET, "10.0.0.5", &in.sin_addr);
  EXPECT_EQ(WebhookAddressText(reinterpret_cast<sockaddr *>(&in)), "10.0.0.5");
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::1", &in6.sin6_addr);
  EXPECT_EQ(WebhookAddressText(reinterpret_cast<sockaddr *>(&in6)), "::1");
}

TEST(WebhookTargetTest, AcceptsUrls) {
  const struct {
    const char *url;
    bool allow_private;
  } cases[] = {
      {"https://hooks.slack.com/services/T0/B0/xyz", false},
      {"https://example.com:8443/hook?x=1", false},
      {"HTTPS://EXAMPLE.COM/", false},
      {"https://93.184.216.34/hook", false},
      {"https://[2606:4700:4700::1111]/hook", false},
      {"http://intranet.local/hook", true},
      {"http://127.0.0.1:8080/hook", true},
      {"http://localhost:8080/hook", true},
      {"https://10.0.0.5/hook", true},
      {"http://[::1]:9000/", true},
  };
  for (const auto &c : cases) {
    const Status s = CheckWebhookUrl(c.url, c.allow_private);
    EXPECT_TRUE(s.ok()) << c.url << ": " << s.message();
  }
}

TEST(WebhookTargetTest, RefusesUrls) {
  const struct {
    const char *url;
    bool allow_private;
    const char *says;
  } cases[] = {
      {"http://example.com/hook", false, "https://"},
      {"ftp://example.com/hook", true, "http(s)://"},
      {"javascript:alert(1)", true, "http(s)://"},
      {"https://", false, "no host"},
      {"https:///path", false, "no host"},
      {"https://user:pw@example.com/", false, "user info"},
      {"https://example.com@evil.example/", false, "user info"},
      {"https://example.com:99999/", false, "port"},
      {"https://example.com:0/", false, "port"},
      {"https://example.com:http/", false, "valid URL"},
      {"https://exa mple.com/", false, "character"},
      {"https://10.0.0.5/hook", false, "10.0.0.5, a private network address"},
      {"https://127.0.0.1/", false, "private network"},
      {"https://[::1]/", false, "private network"},
      {"https://[::ffff:192.168.0.1]/", false, "private network"},
      {"https://[fe80::1%25eth0]/", false, "zone"},
      {"https://169.254.169.254/latest/meta-data", true, "may never use"},
      {"https://[fd00:ec2::254]/", true, "may never use"},
      {"https://0.0.0.0/", true, "may never use"},
      {"https://localhost/", false, "localhost"},
      {"https://api.localhost./", false, "localhost"},
  };
  for (const auto &c : cases) {
    const Status s = CheckWebhookUrl(c.url, c.allow_private);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.url;
    EXPECT_NE(s.message().find(c.says), std::string::npos)
        << c.url << ": " << s.message();
    EXPECT_EQ(s.message().rfind("url", 0), 0u) << c.url << ": " << s.message();
  }
}

}  // namespace
}  // namespace callexa
