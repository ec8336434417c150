// A logo the owner uploads through the admin API: JSON
// {"content_type": "image/png", "data": "<base64>"}, checked by its bytes,
// not by what it claims to be. PNG, JPEG, GIF and WebP up to 512 KB; SVG
// (which can carry script) and everything else is refused.
#ifndef CALLEXA_ASSETS_IMAGE_UPLOAD_H_
#define CALLEXA_ASSETS_IMAGE_UPLOAD_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace callexa {

constexpr size_t kMaxImageBytes = 512 * 1024;

struct ImageType {
  const char *content_type;  // "image/png"
  const char *extension;     // "png"
};

// The type the bytes are, from their signature; nullopt for anything but
// PNG, JPEG, GIF and WebP.
std::optional<ImageType> SniffImage(std::string_view bytes);

struct ImageUpload {
  ImageType type;
  std::string bytes;
  // sha256 of the bytes in hex, a dot and the extension: the image's name
  // in the store and in its URL, so the same bytes always have one URL and
  // a URL can be cached for good.
  std::string key;
};

// Validates an upload body: InvalidArgument when a field is missing or the
// data is not base64; TooLarge over kMaxImageBytes; UnsupportedMedia when
// the bytes are not one of the four types (SVG named as such) or are not
// what content_type claims.
Result<ImageUpload> ReadImageUpload(const nlohmann::json &body);

// Whether `key` has the shape ReadImageUpload gives (64 hex digits, a dot,
// a known extension): anything else cannot name a stored image.
bool IsImageKey(std::string_view key);

// The content type of a key's extension ("png" -> "image/png").
std::optional<std::string> ImageContentTypeOfKey(std::string_view key);

}  // namespace callexa

#endif  // CALLEXA_ASSETS_IMAGE_UPLOAD_H_
