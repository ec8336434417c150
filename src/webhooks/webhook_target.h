// Where webhooks may point. Owners type the URLs; the operator decides with
// callexa_webhook_private_networks whether they may reach private networks.
#ifndef CALLEXA_WEBHOOKS_WEBHOOK_TARGET_H_
#define CALLEXA_WEBHOOKS_WEBHOOK_TARGET_H_

#include <string>
#include <string_view>

#include "common/status.h"

struct sockaddr;

namespace callexa {

// Checks a URL an owner typed: https (or http when private networks are
// allowed), a host, no userinfo, a port that is given explicitly only when
// it is 1..65535; when private networks are not allowed, a host written as
// an IP literal ("https://10.0.0.5/", "https://[::1]/") must be an allowed
// address and "localhost" is refused (names are checked again on every
// connection, see WebhookAddressAllowed). InvalidArgument naming the
// problem ("url: ...").
Status CheckWebhookUrl(std::string_view url, bool allow_private_networks);

// Whether an address actually connected to may be used (IPv4, IPv6,
// IPv4-mapped and IPv4-compatible IPv6, NAT64 64:ff9b::/96, 6to4 2002::/16
// judged by the IPv4 address they carry): loopback, private (RFC 1918,
// fc00::/7), link-local (169.254/16, fe80::/10), CGNAT 100.64/10, 0/8,
// benchmarking 198.18/15, reserved 240/4 and the like are refused unless
// allowed. Always refused, even when allowed: unspecified (0.0.0.0, ::),
// multicast, broadcast and the cloud metadata addresses 169.254.169.254 and
// fd00:ec2::254. Unknown address families are refused.
bool WebhookAddressAllowed(const struct sockaddr *addr, bool allow_private_networks);

// The address in words ("10.0.0.5", "::1") for error messages.
std::string WebhookAddressText(const struct sockaddr *addr);

}  // namespace callexa

#endif  // CALLEXA_WEBHOOKS_WEBHOOK_TARGET_H_
