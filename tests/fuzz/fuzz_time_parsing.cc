// libFuzzer target: the texts we parse as times: ISO-8601 (createdAt,
// admin filters) and Retry-After (seconds or an HTTP date).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/time_format.h"
#include "sync/segment_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  const int64_t now = 1795860000;
  (void)callexa::ParseIso8601(text);
  const auto retry = callexa::ParseRetryAfter(text, now);
  if (retry && (*retry < 0 || *retry > callexa::kMaxRetryAfterSeconds)) __builtin_trap();
  return 0;
}
