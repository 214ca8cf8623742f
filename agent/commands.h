// The subcommands. Each Setup* function registers one subcommand with its options and,
// when CLI11 selects it, stores in `run` the function that carries it out and returns the
// exit status. main.cc lists them explicitly.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace dcv {

using CommandFn = std::function<int()>;

void SetupCheckCommand(CLI::App& app, CommandFn& run);
void SetupFixCommand(CLI::App& app, CommandFn& run);
void SetupVerifyCommand(CLI::App& app, CommandFn& run);
void SetupRollbackCommand(CLI::App& app, CommandFn& run);
void SetupCleanupCommand(CLI::App& app, CommandFn& run);
void SetupProbeCommand(CLI::App& app, CommandFn& run);
void SetupDnsUpdateCommand(CLI::App& app, CommandFn& run);

}  // namespace dcv
