// A ProcessRunner for tests: answers commands from a table (argv -> result) and records
// every argv it was asked to run. Unknown commands "fail to start".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "platform/process.h"

namespace dcv::nft_test {

class FakeRunner : public ProcessRunner {
 public:
  /// Answer `argv` with exit status 0 and `out`.
  void Succeed(const std::vector<std::string>& argv, std::string out) {
    ProcessResult r;
    r.started = true;
    r.exit_status = 0;
    r.out = std::move(out);
    answers_[argv] = r;
  }
  /// Answer `argv` with a failure.
  void Fail(const std::vector<std::string>& argv, int status, std::string err) {
    ProcessResult r;
    r.started = true;
    r.exit_status = status;
    r.err = std::move(err);
    answers_[argv] = r;
  }

  ProcessResult Run(const std::vector<std::string>& argv, const ProcessOptions& = {}) override {
    calls.push_back(argv);
    auto it = answers_.find(argv);
    return it == answers_.end() ? ProcessResult{} : it->second;
  }

  std::vector<std::vector<std::string>> calls;

 private:
  std::map<std::vector<std::string>, ProcessResult> answers_;
};

}  // namespace dcv::nft_test
