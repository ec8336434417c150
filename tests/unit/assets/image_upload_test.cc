#include "assets/image_upload.h"

#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"

namespace callexa {
namespace {

using nlohmann::json;

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "rest of a png";
const std::string kJpeg = std::string("\xff\xd8\xff\xe0", 4) + "jfif";
const std::string kGif = "GIF89a....";
const std::string kWebp = std::string("RIFF\x10\0\0\0WEBPVP8 ", 16);

json Upload(const std::string &type, const std::string &bytes) {
  return {{"content_type", type}, {"data", Base64Encode(bytes)}};
}

TEST(ImageUploadTest, SniffsTheFourTypesByTheirBytes) {
  EXPECT_STREQ(SniffImage(kPng)->content_type, "image/png");
  EXPECT_STREQ(SniffImage(kJpeg)->content_type, "image/jpeg");
  EXPECT_STREQ(SniffImage("GIF87a")->content_type, "image/gif");
  EXPECT_STREQ(SniffImage(kWebp)->content_type, "image/webp");
  EXPECT_FALSE(SniffImage("<svg xmlns='http://www.w3.org/2000/svg'/>"));
  EXPECT_FALSE(SniffImage("RIFF\x10\0\0\0WAVE"));
  EXPECT_FALSE(SniffImage(""));
  EXPECT_FALSE(SniffImage("<html><script>alert(1)</script>"));
}

TEST(ImageUploadTest, AcceptsAnImageAndNamesItByItsHash) {
  auto up = ReadImageUpload(Upload("image/png", kPng));
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(up->bytes, kPng);
  EXPECT_EQ(up->key.size(), 68u);
  EXPECT_EQ(up->key.substr(64), ".png");
  EXPECT_TRUE(IsImageKey(up->key));
  EXPECT_EQ(ReadImageUpload(Upload("image/png", kPng))->key, up->key);
  EXPECT_NE(ReadImageUpload(Upload("image/gif", kGif))->key, up->key);
  EXPECT_EQ(*ImageContentTypeOfKey(up->key), "image/png");
}

TEST(ImageUploadTest, RefusesWhatIsNotAnAcceptedImage) {
  const struct {
    json body;
    Status::Code code;
    const char *fragment;
  } cases[] = {
      {json::array(), Status::Code::kInvalidArgument, "object"},
      {{{"data", Base64Encode(kPng)}}, Status::Code::kInvalidArgument, "content_type"},
      {{{"content_type", "image/png"}}, Status::Code::kInvalidArgument, "data"},
      {{{"content_type", "image/png"}, {"data", "***"}},
       Status::Code::kInvalidArgument,
       "base64"},
      {Upload("image/png", ""), Status::Code::kInvalidArgument, "empty"},
      {Upload("image/svg+xml", "<svg onload='alert(1)'/>"),
       Status::Code::kUnsupportedMedia, "SVG"},
      {Upload("image/png", "<svg onload='alert(1)'/>"), Status::Code::kUnsupportedMedia,
       "not a PNG"},
      {Upload("image/gif", kPng), Status::Code::kUnsupportedMedia, "is image/png"},
      {Upload("image/png", kPng + std::string(kMaxImageBytes, 'x')),
       Status::Code::kTooLarge, "512 KB"},
  };
  for (const auto &c : cases) {
    auto up = ReadImageUpload(c.body);
    ASSERT_FALSE(up.ok()) << c.fragment;
    EXPECT_EQ(up.status().code(), c.code) << c.fragment;
    EXPECT_NE(up.status().message().find(c.fragment), std::string::npos)
        << up.status().message();
  }
}

TEST(ImageUploadTest, KeysHaveOneShape) {
  const std::string hex(64, 'a');
  EXPECT_TRUE(IsImageKey(hex + ".webp"));
  EXPECT_FALSE(IsImageKey(hex + ".svg"));
  EXPECT_FALSE(IsImageKey(hex));
  EXPECT_FALSE(IsImageKey("../" + hex + ".png"));
  EXPECT_FALSE(IsImageKey(std::string(64, 'A') + ".png"));
  EXPECT_FALSE(IsImageKey(""));
}

}  // namespace
}  // namespace callexa
