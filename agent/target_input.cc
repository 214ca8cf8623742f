// Shared by the target-taking subcommands: bad input goes to stderr with exit 2, and the
// probe key is read once from --key-file.
#include "agent/target_input.h"

#include <iostream>

#include "agent/verify/probe.h"

namespace dcv {

int ReportUsageError(const Error& error) {
  std::cerr << "dcv-agent: " << error.message << std::endl;
  return kExitUsage;
}

Result<std::string> ReadKeyIfAny(const TargetOptions& options) {
  if (options.key_file.empty()) return std::string();
  Result<std::string> key = ReadProbeKey(options.key_file);
  if (!key) return MakeError("invalid --key-file: " + key.error().message);
  return key;
}

}  // namespace dcv
