#include "mail/retry_policy.h"

namespace callexa {
namespace {

// SplitMix64's finaliser: neighbouring seeds (consecutive invitation ids)
// give unrelated outputs.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

int64_t RetryDelaySeconds(int attempts, uint64_t jitter_seed) {
  int64_t base = kFirstRetryDelaySeconds;
  for (int i = 1; i < attempts && base < kMaxRetryDelaySeconds; ++i) base *= 2;
  if (base > kMaxRetryDelaySeconds) base = kMaxRetryDelaySeconds;
  // An offset in [-base * 20%, +base * 20%], in whole seconds.
  const int64_t spread = base * kRetryJitterPercent / 100;
  const int64_t offset =
      static_cast<int64_t>(Mix(jitter_seed) % static_cast<uint64_t>(2 * spread + 1)) -
      spread;
  return base + offset;
}

}  // namespace callexa
