// Test helper: gzip-compresses data as HTTP clients do for request bodies.
#ifndef CALLEXA_TESTS_UNIT_TESTING_GZIP_H_
#define CALLEXA_TESTS_UNIT_TESTING_GZIP_H_

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace callexa::testing {

// windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
inline std::string Gzip(const std::string &data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef *>(&out[0]);
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace callexa::testing

#endif  // CALLEXA_TESTS_UNIT_TESTING_GZIP_H_
