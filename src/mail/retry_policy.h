// When to try a temporarily failed email again.
#ifndef CALLEXA_MAIL_RETRY_POLICY_H_
#define CALLEXA_MAIL_RETRY_POLICY_H_

#include <cstdint>

namespace callexa {

// After this many failed attempts an invitation is given up ("failed").
constexpr int kMaxDeliveryAttempts = 10;

// Seconds to wait after the `attempts`-th failed attempt (1-based): 60 s
// doubling up to 6 h, each scaled by a jitter of +-20% drawn from
// `jitter_seed`, so that a backlog from an outage does not retry in step.
int64_t RetryDelaySeconds(int attempts, uint64_t jitter_seed);

}  // namespace callexa

#endif  // CALLEXA_MAIL_RETRY_POLICY_H_
