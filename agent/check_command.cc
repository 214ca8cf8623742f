// `dcv-agent check`: Facts, Diagnose and Verify, read-only. It reports what stands in the
// way, what the web server is predicted to answer, and what the network actually answered.
#include <spdlog/spdlog.h>

#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/journal.h"
#include "agent/pipeline.h"
#include "agent/report.h"
#include "agent/target_input.h"
#include "agent/settings.h"

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
  report.diagnosis = Diagnose(*target, facts);
  report.errors = facts.errors;  // after Diagnose, which adds what it could not find out
  report.checks = RunChecksWithProgress(*target, *key, output.progress, output.language);
  AssessChecks(*target, report.checks, report.diagnosis);
  report.ready = IsReady(report.diagnosis) && facts.errors.empty();
  PrintReport(report, output.json, output.quiet);
  return report.ready ? kExitReady : kExitNotReady;
}

}  // namespace

void SetupCheckCommand(CLI::App& app, CommandFn& run) {
  SetupTargetCommand(app, run, "check", "Diagnose what would make validation fail (changes nothing)", false,
                     [](const TargetOptions& t, const OutputOptions& o, bool) { return RunCheck(t, o); });
}

}  // namespace dcv
