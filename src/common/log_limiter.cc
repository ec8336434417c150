#include "common/log_limiter.h"

namespace callexa {

bool LogLimiter::Admit(const std::string &cause, int64_t now, int64_t *held_back) {
  auto it = causes_.find(cause);
  if (it == causes_.end()) {
    // Causes with varying text would grow the map without end: forget
    // them all, at worst one extra line per cause.
    if (causes_.size() >= max_causes_) causes_.clear();
    causes_[cause].last_written = now;
    *held_back = 0;
    return true;
  }
  Entry &e = it->second;
  if (now - e.last_written < window_seconds_) {
    ++e.held_back;
    return false;
  }
  *held_back = e.held_back;
  e.held_back = 0;
  e.last_written = now;
  return true;
}

}  // namespace callexa
