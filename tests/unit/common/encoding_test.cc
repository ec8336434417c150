#include "common/encoding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <optional>
#include <string>

#include "http/http_exchange.h"
#include "testing/gzip.h"

namespace callexa {
namespace {

using ::callexa::testing::Gzip;

TEST(EncodingTest, Base64Decodes) {
  const struct {
    const char *in;
    const char *want;
  } cases[] = {
      {"", ""},
      {"dGVzdGtleTo=", "testkey:"},  // the Basic credentials "testkey:"
      {"dGVzdGtleTo", "testkey:"},   // padding is optional
      {"YWJjMTIzOg==", "abc123:"},
      {"Zg==", "f"},
      {"Zm8=", "fo"},
      {"Zm9v", "foo"},
      {"Pz8_", "\x3f\x3f\x3f"},  // URL-safe alphabet: '_' is '/'
      {"-_-_", "\xfb\xff\xbf"},
  };
  for (const auto &c : cases) {
    const std::optional<std::string> got = Base64Decode(c.in);
    ASSERT_TRUE(got.has_value()) << c.in;
    EXPECT_EQ(*got, c.want) << c.in;
  }
}

TEST(EncodingTest, Base64RejectsInvalidInput) {
  const char *const cases[] = {
      "dGVz dGtleTo=",  // space
      "dGVzdGtleTo!",   // not in any alphabet
      "ab=c",           // padding in the middle
      "Z",              // a lone trailing character carries no byte
      "Zm9vY",
      "\xc3\xa9\xc3\xa9",  // non-ASCII
  };
  for (const char *in : cases) {
    EXPECT_FALSE(Base64Decode(in).has_value()) << in;
  }
}

TEST(EncodingTest, Base64EncodesAndRoundTrips) {
  const struct {
    const char *in;
    const char *want;
  } cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"testkey:", "dGVzdGtleTo="},
      {"\xfb\xff\xbf", "+/+/"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(Base64Encode(c.in), c.want) << c.in;
  }
  // Every byte value, at every length modulo 3.
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); ++n) {
    const std::string in = all.substr(0, n);
    EXPECT_EQ(Base64Decode(Base64Encode(in)), in) << n;
  }
}

TEST(EncodingTest, GunzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += "{\"type\":\"identify\",\"n\":" + std::to_string(i) + "}";
  const struct {
    std::string data;
    const char *what;
  } cases[] = {
      {"", "empty"},
      {"{\"type\":\"identify\"}", "small"},
      {text, "larger than one inflate chunk"},
  };
  for (const auto &c : cases) {
    auto got = GunzipBounded(Gzip(c.data), 1 << 20);
    ASSERT_TRUE(got.ok()) << c.what << ": " << got.status().message();
    EXPECT_EQ(*got, c.data) << c.what;
  }
}

TEST(EncodingTest, GunzipAcceptsZlibStreams) {
  const std::string data = "zlib, not gzip";
  uLongf size = compressBound(data.size());
  std::string z(size, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef *>(&z[0]), &size,
                     reinterpret_cast<const Bytef *>(data.data()), data.size()),
            Z_OK);
  z.resize(size);
  auto got = GunzipBounded(z, 1024);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, data);
}

TEST(EncodingTest, GunzipRejectsBadStreams) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  const std::string gz = Gzip(text);
  const struct {
    std::string in;
    const char *what;
  } cases[] = {
      {"", "empty"},
      {"this is not gzip at all", "garbage"},
      {gz.substr(0, gz.size() / 2), "truncated in the middle"},
      {gz.substr(0, gz.size() - 4), "truncated trailer"},
      {gz.substr(0, 10), "header only"},
  };
  for (const auto &c : cases) {
    auto got = GunzipBounded(c.in, 1 << 20);
    ASSERT_FALSE(got.ok()) << c.what;
    EXPECT_EQ(got.status().code(), Status::Code::kInvalidArgument) << c.what;
  }
}

TEST(EncodingTest, GunzipStopsAtTheOutputLimit) {
  // A megabyte of zeros compresses to about a kilobyte: a small "bomb".
  const std::string zeros(1 << 20, '\0');
  const std::string gz = Gzip(zeros);
  ASSERT_LT(gz.size(), 8192u);

  auto over = GunzipBounded(gz, 32 * 1024);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(HttpStatusOf(over.status()), 413);

  // Exactly at the limit is still fine.
  auto exact = GunzipBounded(gz, zeros.size());
  ASSERT_TRUE(exact.ok()) << exact.status().message();
  EXPECT_EQ(exact->size(), zeros.size());
  auto one_short = GunzipBounded(gz, zeros.size() - 1);
  ASSERT_FALSE(one_short.ok());
  EXPECT_EQ(one_short.status().code(), Status::Code::kTooLarge);
}

}  // namespace
}  // namespace callexa

namespace callexa {
namespace {

TEST(EncodingTest, Base64UrlEncodeIsUrlSafeAndUnpadded) {
  const std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(Base64Encode(bytes), "+//+");
  EXPECT_EQ(Base64UrlEncode(bytes), "-__-");
  EXPECT_EQ(Base64UrlEncode("a"), "YQ");
  EXPECT_EQ(Base64Decode(Base64UrlEncode(bytes)), bytes);
}

}  // namespace
}  // namespace callexa
