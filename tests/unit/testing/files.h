// Test helper: a whole file's bytes.
#ifndef CALLEXA_TESTS_UNIT_TESTING_FILES_H_
#define CALLEXA_TESTS_UNIT_TESTING_FILES_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace callexa::testing {

// The file's content, byte for byte; empty if it cannot be read.
inline std::string ReadFileBytes(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace callexa::testing

#endif  // CALLEXA_TESTS_UNIT_TESTING_FILES_H_
