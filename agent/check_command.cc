// `dcv-agent check`: Facts, Diagnose and Verify, read-only. It reports what stands in the
// way, what the web server is predicted to answer, and what the network actually answered.
#include <spdlog/spdlog.h>

#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/journal.h"
#include "agent/pipeline.h"
#include "agent/report.h"
#include "agent/target_input.h"

namespace dcv {
namespace {

int RunCheck(const TargetOptions& target_options, const OutputOptions& output) {
  Result<Target> target = BuildTarget(target_options, true);
  if (!target) return ReportUsageError(target.error());
  Result<std::string> key = ReadKeyIfAny(target_options);
  if (!key) return ReportUsageError(key.error());
  SystemProcessRunner runner;
  Report report = NewReport("check", *target);
  Facts facts = GatherFacts(runner, report.run_id);
  report.errors = facts.errors;
  report.diagnosis = Diagnose(*target, facts);
  report.checks = RunChecks(*target, *key);
  AssessChecks(*target, report.checks, report.diagnosis);
  report.ready = IsReady(report.diagnosis) && facts.errors.empty();
  PrintReport(report, output.json, output.quiet);
  return report.ready ? kExitReady : kExitNotReady;
}

}  // namespace

void SetupCheckCommand(CLI::App& app, CommandFn& run) {
  auto* command = app.add_subcommand("check", "Diagnose what would make validation fail (changes nothing)");
  auto target = std::make_shared<TargetOptions>();
  auto output = std::make_shared<OutputOptions>();
  AddTargetOptions(*command, *target);
  AddOutputOptions(*command, *output);
  command->callback([&run, target, output] {
    run = [target, output] {
      ConfigureLogging(*output);
      return RunCheck(*target, *output);
    };
  });
}

}  // namespace dcv
