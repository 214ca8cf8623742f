// Reading /proc entries the web-server detectors need: a whole file (cmdline, cgroup, stat;
// empty when it cannot be read, e.g. the process has gone) and a cmdline split at its NUL
// separators. One copy for nginx, Apache and Caddy.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace dcv {

inline std::string ReadProcFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// "nginx\0-c\0/etc/x.conf\0" -> {"nginx", "-c", "/etc/x.conf"} (empty words dropped).
inline std::vector<std::string> SplitCmdline(std::string_view raw) {
  std::vector<std::string> argv;
  std::string word;
  for (char c : raw) {
    if (c != '\0') {
      word += c;
    } else if (!word.empty()) {
      argv.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) argv.push_back(word);
  return argv;
}

}  // namespace dcv
