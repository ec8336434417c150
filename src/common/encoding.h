// Byte encodings met on the wire: base64 (HTTP Basic credentials) and gzip
// request bodies.
#ifndef CALLEXA_COMMON_ENCODING_H_
#define CALLEXA_COMMON_ENCODING_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

// Standard base64 with optional padding; nullopt on any invalid character.
std::optional<std::string> Base64Decode(std::string_view in);
std::string Base64Encode(std::string_view in);
// RFC 4648 §5 alphabet ("-", "_"), no padding: safe in URLs as it is.
std::string Base64UrlEncode(std::string_view in);

// Inflates a gzip (or zlib) stream. Stops with TooLarge as soon as the output
// would exceed max_output, so a small "gzip bomb" costs at most that much.
Result<std::string> GunzipBounded(std::string_view in, size_t max_output);

}  // namespace callexa

#endif  // CALLEXA_COMMON_ENCODING_H_
