// libFuzzer target: a recipients CSV file as the admin's import sends it,
// through the preview (every row judged) and the all-or-nothing parse.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/recipients.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const nlohmann::json body = {
      {"csv", std::string(reinterpret_cast<const char *>(data), size)}};
  auto preview = callexa::ReadRecipients(body);
  auto strict = callexa::ParseRecipients(body);
  // The strict parse succeeds exactly when the preview rejects nothing.
  if (preview.ok() != strict.ok() && preview.ok() && preview->rejected.empty()) {
    __builtin_trap();
  }
  if (preview.ok() &&
      preview->identifies.size() + preview->rejected_count != preview->rows) {
    __builtin_trap();
  }
  return 0;
}
