#include "mail/retry_policy.h"

#include <algorithm>

namespace callexa {

int64_t RetryDelaySeconds(int attempts, uint64_t jitter_seed) {
  constexpr int64_t kFirst = 60;
  constexpr int64_t kCap = 6 * 3600;
  const int doublings = std::clamp(attempts - 1, 0, 20);
  const int64_t base = std::min(kCap, kFirst << doublings);
  // splitmix64 step: spreads consecutive seeds over the whole range.
  uint64_t z = jitter_seed + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  const int64_t permille = 800 + static_cast<int64_t>(z % 401);  // 0.8 .. 1.2
  return base * permille / 1000;
}

}  // namespace callexa
