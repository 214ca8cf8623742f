// Process runner: runs a program from an argv vector (never through a shell), with a
// timeout, capturing stdout and stderr. An interface so that tests can record commands.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace dcv {

struct ProcessResult {
  int exit_status = -1;     // the program's exit status; -1 if it could not start or was killed
  bool started = false;     // false: not found / not executable
  bool timed_out = false;
  std::string out;
  std::string err;
  bool ok() const { return started && !timed_out && exit_status == 0; }
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{30000};
  std::string stdin_data;   // written to the child's stdin, then closed
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// argv[0] is looked up in PATH if it has no '/'.
  virtual ProcessResult Run(const std::vector<std::string>& argv,
                            const ProcessOptions& options = {}) = 0;
};

/// The real runner (Boost.Process).
class SystemProcessRunner : public ProcessRunner {
 public:
  ProcessResult Run(const std::vector<std::string>& argv,
                    const ProcessOptions& options = {}) override;
};

/// "nginx -s reload" for logs and plans; arguments quoted where they need it.
std::string FormatArgv(const std::vector<std::string>& argv);

}  // namespace dcv
