#include "common/curl_global.h"

#include <curl/curl.h>

#include <mutex>
#include <string>

namespace callexa {

Status EnsureCurlGlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    return Status::Unavailable(std::string("curl_global_init failed: ") +
                               curl_easy_strerror(result));
  }
  return Status::Ok();
}

}  // namespace callexa
