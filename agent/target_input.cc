// Shared by the target-taking subcommands: bad input goes to stderr with exit 2, and the
// probe key is read once from --key-file. The commands that write (fix, cleanup) take
// --lock-timeout, which sets how long Journal::Open waits for another run's lock.
#include "agent/target_input.h"

#include <iostream>

#include "agent/core/journal.h"
#include "agent/settings.h"
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

void AddLockTimeoutOption(CLI::App& command) {
  command
      .add_option_function<int>(
          "--lock-timeout", [](const int& seconds) { SetDefaultLockTimeout(seconds); },
          "Seconds to wait for another run's lock on the state directory (then exit 4)")
      ->check(CLI::Range(0, 86400))
      ->default_str(std::to_string(DefaultLockTimeout()))
      ->group("Advanced");
}

void SetupTargetCommand(CLI::App& app, CommandFn& run, const std::string& name,
                        const std::string& description, bool with_dry_run, TargetCommandFn fn) {
  auto* command = app.add_subcommand(name, description);
  auto target = std::make_shared<TargetOptions>();
  auto output = std::make_shared<OutputOptions>();
  auto dry_run = std::make_shared<bool>(false);
  AddTargetOptions(*command, *target);
  AddOutputOptions(*command, *output);
  AddDisplayOptions(*command, *output);
  if (with_dry_run) {
    command->add_flag("--dry-run", *dry_run, "Print the plan (commands and diffs); change nothing");
    AddLockTimeoutOption(*command);
  }
  command->callback([&run, command, target, output, dry_run, fn] {
    run = [command, target, output, dry_run, fn] {
      Result<void> settings = ApplySettings(*command, *target, *output, SettingsEnvironment::FromProcess());
      if (!settings) return ReportUsageError(settings.error());
      ConfigureLogging(*output);
      return fn(*target, *output, *dry_run);
    };
  });
}

}  // namespace dcv
