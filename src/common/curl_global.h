// libcurl's process-wide initialisation, done exactly once.
#ifndef CALLEXA_COMMON_CURL_GLOBAL_H_
#define CALLEXA_COMMON_CURL_GLOBAL_H_

#include "common/status.h"

namespace callexa {

// Runs curl_global_init(CURL_GLOBAL_DEFAULT) the first time it is called and
// returns that call's outcome on every call. curl_global_init is not thread
// safe against other libcurl use: call this before any thread uses libcurl
// (the glue: in init_process, before the first pool task). Every creator of
// a libcurl user (SmtpTransport::Create, ...) calls it too, which is a
// no-op once done. Never undone: curl_global_cleanup at exit buys nothing.
Status EnsureCurlGlobalInit();

}  // namespace callexa

#endif  // CALLEXA_COMMON_CURL_GLOBAL_H_
