// A ProcessRunner that runs every command inside one network namespace (`ip netns exec
// NS ...`) through the real runner, for tests that drive the real firewall tools without
// ever touching the root namespace.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "platform/process.h"

namespace dcv::testing {

class NetnsProcessRunner : public ProcessRunner {
 public:
  explicit NetnsProcessRunner(std::string ns) : ns_(std::move(ns)) {}
  ProcessResult Run(const std::vector<std::string>& argv, const ProcessOptions& options = {}) override {
    std::vector<std::string> full{"ip", "netns", "exec", ns_};
    full.insert(full.end(), argv.begin(), argv.end());
    return SystemProcessRunner().Run(full, options);
  }

 private:
  std::string ns_;
};

/// Runs a command where the test runs (to create and delete the namespace itself).
inline ProcessResult RunHere(const std::vector<std::string>& argv) { return SystemProcessRunner().Run(argv); }

/// A network namespace named `prefix<pid>` and a temporary directory of the same name,
/// both removed when the object goes away.
class ScopedNetns {
 public:
  explicit ScopedNetns(const std::string& prefix)
      : name_(prefix + std::to_string(::getpid())),
        dir_(std::filesystem::temp_directory_path() / name_) {
    created_ = RunHere({"ip", "netns", "add", name_}).ok();
    std::filesystem::create_directories(dir_);
  }
  ~ScopedNetns() {
    if (created_) RunHere({"ip", "netns", "del", name_});
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;
  bool created() const { return created_; }
  const std::string& name() const { return name_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string name_;
  std::filesystem::path dir_;
  bool created_ = false;
};

/// Runs `argv` and records a test failure (naming the command) when it does not succeed.
inline ProcessResult MustRun(ProcessRunner& runner, const std::vector<std::string>& argv) {
  ProcessResult r = runner.Run(argv);
  EXPECT_TRUE(r.ok()) << FormatArgv(argv) << ": " << r.err;
  return r;
}

}  // namespace dcv::testing
