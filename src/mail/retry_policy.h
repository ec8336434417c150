// When to try a temporarily failed delivery again, and when to give up.
// Pure: the scheduler supplies the attempt count and the jitter seed.
#ifndef CALLEXA_MAIL_RETRY_POLICY_H_
#define CALLEXA_MAIL_RETRY_POLICY_H_

#include <cstdint>

namespace callexa {

// Deliveries of one invitation, the first included. After this many
// temporary failures the invitation is `failed`. With the delays below the
// attempts span about a day and a half (60 s doubling to the 6 h cap:
// 8.5 h for the first ten attempts, then 6 h apart), so an SMTP outage
// overnight delays surveys but does not fail them.
constexpr int kMaxDeliveryAttempts = 15;

// The first retry waits this long; each next one twice as long, up to the
// cap. Jitter spreads each delay by up to ±kRetryJitterPercent.
constexpr int64_t kFirstRetryDelaySeconds = 60;
constexpr int64_t kMaxRetryDelaySeconds = 6 * 3600;
constexpr int kRetryJitterPercent = 20;

// Seconds to wait after the `attempts`-th attempt failed temporarily
// (attempts >= 1; smaller counts as 1): min(60 * 2^(attempts-1), 6 h),
// scaled by a factor in [0.8, 1.2] derived from `jitter_seed`. The same
// arguments give the same delay. Pass a seed that differs between
// invitations (e.g. the invitation id), so that a batch which failed
// together does not retry together.
int64_t RetryDelaySeconds(int attempts, uint64_t jitter_seed);

}  // namespace callexa

#endif  // CALLEXA_MAIL_RETRY_POLICY_H_
