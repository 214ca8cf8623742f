// Reading the captured DNS messages of tests/fixtures/dns (see capture.sh there).
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace dcv::testing {

inline std::vector<std::uint8_t> Capture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/dns/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace dcv::testing
