// A ProcessRunner for unit tests: records every argv it is asked to run and answers from a
// script of canned results (by argv prefix), so tests can assert on the exact commands.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "platform/process.h"

namespace dcv::testing {

class FakeProcessRunner : public ProcessRunner {
 public:
  /// Answer `result` to any argv that starts with `prefix` (the last matching rule wins),
  /// at most `times` times (-1: always).
  void On(std::vector<std::string> prefix, ProcessResult result, int times = -1) {
    rules_.push_back({std::move(prefix), std::move(result), times});
  }
  static ProcessResult Ok(std::string out = "") { return {0, true, false, std::move(out), ""}; }
  static ProcessResult Fail(int status, std::string err) { return {status, true, false, "", std::move(err)}; }

  ProcessResult Run(const std::vector<std::string>& argv, const ProcessOptions& = {}) override {
    calls.push_back(argv);
    for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
      if (it->times == 0) continue;
      if (argv.size() >= it->prefix.size() && std::equal(it->prefix.begin(), it->prefix.end(), argv.begin())) {
        if (it->times > 0) --it->times;
        return it->result;
      }
    }
    return Ok();
  }

  std::vector<std::vector<std::string>> calls;

 private:
  struct Rule {
    std::vector<std::string> prefix;
    ProcessResult result;
    int times;
  };
  std::vector<Rule> rules_;
};

}  // namespace dcv::testing
