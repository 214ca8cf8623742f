// Small pieces every target-taking subcommand shares: reporting bad input (exit 2) and
// reading the probe key file named on the command line.
#pragma once

#include <functional>
#include <string>

#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/result.h"

namespace dcv {

/// Prints "dcv-agent: <message>" on stderr and returns kExitUsage.
int ReportUsageError(const Error& error);

/// The key from --key-file, or "" when none was given.
Result<std::string> ReadKeyIfAny(const TargetOptions& options);

/// --lock-timeout SECONDS (0-86400, default 30): how long a command that writes waits for
/// another run's lock on the state directory (journal.h) before exiting 4.
void AddLockTimeoutOption(CLI::App& command);

/// What a target-taking subcommand runs once its options are parsed.
using TargetCommandFn = std::function<int(const TargetOptions&, const OutputOptions&, bool dry_run)>;

/// Registers a subcommand with the target and output options (and --dry-run and
/// --lock-timeout when `with_dry_run`: the commands that write), which on selection configures logging and runs `fn`.
void SetupTargetCommand(CLI::App& app, CommandFn& run, const std::string& name,
                        const std::string& description, bool with_dry_run, TargetCommandFn fn);

}  // namespace dcv
