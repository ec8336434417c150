// Keeps a fault that repeats from flooding the error log: at most one
// line per cause per window, and the next line says how many were held
// back. A cause is the text that stays the same from one occurrence to the
// next ("database is locked"), not the whole line.
//
// Not thread-safe: one per thread (the glue keeps one on the event loop).
#ifndef CALLEXA_COMMON_LOG_LIMITER_H_
#define CALLEXA_COMMON_LOG_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace callexa {

class LogLimiter {
 public:
  explicit LogLimiter(int64_t window_seconds = 60, size_t max_causes = 1000)
      : window_seconds_(window_seconds), max_causes_(max_causes) {}

  // Whether to write a line for `cause` at Unix time `now`. When it says
  // yes, *held_back is the number of lines for this cause it said no to
  // since the last yes.
  bool Admit(const std::string &cause, int64_t now, int64_t *held_back);

 private:
  struct Entry {
    int64_t last_written = 0;
    int64_t held_back = 0;
  };
  const int64_t window_seconds_;
  const size_t max_causes_;
  std::map<std::string, Entry> causes_;
};

}  // namespace callexa

#endif  // CALLEXA_COMMON_LOG_LIMITER_H_
