#include "assets/image_upload.h"

#include <openssl/evp.h>

#include "common/encoding.h"

namespace callexa {
namespace {

constexpr ImageType kPng = {"image/png", "png"};
constexpr ImageType kJpeg = {"image/jpeg", "jpg"};
constexpr ImageType kGif = {"image/gif", "gif"};
constexpr ImageType kWebp = {"image/webp", "webp"};
constexpr ImageType kTypes[] = {kPng, kJpeg, kGif, kWebp};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

std::optional<ImageType> SniffImage(std::string_view b) {
  if (StartsWith(b, "\x89PNG\r\n\x1a\n")) return kPng;
  if (StartsWith(b, "\xff\xd8\xff")) return kJpeg;
  if (StartsWith(b, "GIF87a") || StartsWith(b, "GIF89a")) return kGif;
  if (b.size() >= 12 && StartsWith(b, "RIFF") && b.substr(8, 4) == "WEBP") return kWebp;
  return std::nullopt;
}

Result<ImageUpload> ReadImageUpload(const nlohmann::json &body) {
  if (!body.is_object()) return Status::InvalidArgument("body must be a JSON object");
  const auto type = body.find("content_type");
  const auto data = body.find("data");
  if (type == body.end() || !type->is_string()) {
    return Status::InvalidArgument("content_type is required");
  }
  if (data == body.end() || !data->is_string()) {
    return Status::InvalidArgument("data (the image, base64) is required");
  }
  const std::string &encoded = data->get_ref<const std::string &>();
  // Base64 grows by a third: refuse before decoding what cannot fit.
  if (encoded.size() > (kMaxImageBytes + 2) / 3 * 4 + 4) {
    return Status::TooLarge("the image is larger than 512 KB");
  }
  std::optional<std::string> bytes = Base64Decode(encoded);
  if (!bytes) return Status::InvalidArgument("data is not valid base64");
  if (bytes->empty()) return Status::InvalidArgument("data is empty");
  if (bytes->size() > kMaxImageBytes) {
    return Status::TooLarge("the image is larger than 512 KB");
  }
  const std::string &claimed = type->get_ref<const std::string &>();
  if (claimed.find("svg") != std::string::npos) {
    return Status::UnsupportedMedia(
        "SVG images are refused (they can carry script): use PNG, JPEG, GIF or WebP");
  }
  const std::optional<ImageType> sniffed = SniffImage(*bytes);
  if (!sniffed) {
    return Status::UnsupportedMedia("the file is not a PNG, JPEG, GIF or WebP image");
  }
  if (claimed != sniffed->content_type) {
    return Status::UnsupportedMedia(std::string("the file is ") + sniffed->content_type +
                                    ", not " + claimed);
  }
  ImageUpload upload{*sniffed, std::move(*bytes), ""};
  upload.key = Sha256Hex(upload.bytes) + "." + sniffed->extension;
  return upload;
}

std::optional<std::string> ImageContentTypeOfKey(std::string_view key) {
  const size_t dot = key.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view ext = key.substr(dot + 1);
  for (const ImageType &t : kTypes) {
    if (ext == t.extension) return std::string(t.content_type);
  }
  return std::nullopt;
}

bool IsImageKey(std::string_view key) {
  if (key.size() < 66 || key[64] != '.') return false;
  for (size_t i = 0; i < 64; ++i) {
    const char c = key[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return ImageContentTypeOfKey(key).has_value();
}

}  // namespace callexa
