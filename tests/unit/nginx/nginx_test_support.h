// Test support for the nginx remediator: a ProcessRunner standing in for the nginx
// binary (`-V` names a build for a corpus case's directory; `-t` passes or fails on
// demand), and applying a plan's edits to disk as the executor would.
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agent/core/plan.h"
#include "platform/process.h"
#include "tests/unit/nginx/corpus_case.h"

namespace dcv {

/// Records every argv; answers -V with a build for `prefix`, -t with `test_ok`.
class FakeNginxRunner : public ProcessRunner {
 public:
  ProcessResult Run(const std::vector<std::string>& argv, const ProcessOptions&) override {
    calls.push_back(argv);
    ProcessResult r;
    r.started = true;
    r.exit_status = 0;
    if (argv.back() == "-V") {
      r.err = "nginx version: nginx/1.22.1\nconfigure arguments: --prefix=" + prefix +
              " --conf-path=" + prefix + "/nginx.conf --with-http_ssl_module\n";
    } else if (argv.back() == "-t" && !test_ok) {
      r.exit_status = 1;
      r.err = "nginx: [emerg] unknown directive \"bogus\" in /x/nginx.conf:3\n";
    }
    return r;
  }
  std::string prefix;
  bool test_ok = true;
  std::vector<std::vector<std::string>> calls;
};

/// Applies the plan's edits to disk, returns the files' original texts.
inline std::map<std::string, std::string> ApplyEdits(const Plan& plan) {
  std::map<std::string, std::string> originals;
  for (const Step& s : plan.steps) {
    if (const auto* e = std::get_if<EditFile>(&s.action)) {
      EXPECT_EQ(nginx::testing::ReadAll(e->path), e->expected_before);
      originals.emplace(e->path, e->expected_before);
      std::ofstream(e->path, std::ios::binary) << e->content;
    }
  }
  return originals;
}

}  // namespace dcv
