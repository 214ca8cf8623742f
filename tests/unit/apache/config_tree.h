// Test support: a scratch directory holding a small Apache configuration written from
// (relative path, text) pairs, removed at the end of the test, and loaded with its own
// directory as ServerRoot.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <utility>

#include "remediators/webserver/apache/apache_config.h"

namespace dcv::apache::testing {

/// A scratch directory with files written from (relative path, text) pairs; "@ROOT@" in a
/// text stands for the directory itself.
class Tree {
 public:
  Tree(std::initializer_list<std::pair<std::string, std::string>> files) {
    root_ = std::filesystem::temp_directory_path() / ("apache-tree-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++));
    std::filesystem::remove_all(root_);
    for (const auto& [rel, text] : files) {
      std::filesystem::create_directories((root_ / rel).parent_path());
      std::string filled = text;
      for (size_t at = filled.find("@ROOT@"); at != std::string::npos; at = filled.find("@ROOT@")) {
        filled.replace(at, 6, root_.string());
      }
      std::ofstream(root_ / rel) << filled;
    }
  }
  ~Tree() { std::filesystem::remove_all(root_); }
  std::string path(const std::string& rel = "") const { return (root_ / rel).string(); }
  Result<Config> Load(const std::string& conf) const {
    LoadOptions o;
    o.conf_path = path(conf);
    o.server_root = path();
    return LoadConfig(o);
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path root_;
};

}  // namespace dcv::apache::testing
