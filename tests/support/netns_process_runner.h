// A ProcessRunner that runs every command inside one network namespace (`ip netns exec
// NS ...`) through the real runner, for tests that drive the real firewall tools without
// ever touching the root namespace.
#pragma once

#include <string>
#include <utility>
#include <vector>

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

}  // namespace dcv::testing
