// Small pieces every target-taking subcommand shares: reporting bad input (exit 2) and
// reading the probe key file named on the command line.
#pragma once

#include <string>

#include "agent/cli_options.h"
#include "agent/core/result.h"

namespace dcv {

/// Prints "dcv-agent: <message>" on stderr and returns kExitUsage.
int ReportUsageError(const Error& error);

/// The key from --key-file, or "" when none was given.
Result<std::string> ReadKeyIfAny(const TargetOptions& options);

}  // namespace dcv
