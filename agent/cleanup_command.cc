// `dcv-agent cleanup`: after issuance, removes what `fix` added for the target (the
// validation file, the web server's location block). It is journaled like a fix, so it
// too can be rolled back.
#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/journal.h"
#include "agent/pipeline.h"
#include "agent/recovery.h"
#include "agent/report.h"
#include "agent/target_input.h"

namespace dcv {
namespace {

int RunCleanup(const TargetOptions& target_options, const OutputOptions& output, bool dry_run) {
  Result<Target> target = BuildTarget(target_options, false);
  if (!target) return ReportUsageError(target.error());
  SystemProcessRunner runner;
  Report report = NewReport("cleanup", *target);
  report.dry_run = dry_run;
  Result<std::optional<Journal>> journal = OpenJournalUnlessDryRun(target_options.state_dir, runner, dry_run);
  if (!journal) return ReportInternalError(journal.error());
  Facts facts = GatherFacts(runner, report.run_id);
  PlanOutcome outcome = MakeCleanupPlan(*target, facts);
  report.plan = outcome.plan;
  report.errors = facts.errors;
  report.errors.insert(report.errors.end(), outcome.refusals.begin(), outcome.refusals.end());
  if (!dry_run && outcome.refusals.empty()) {
    JournaledExecutor executor(runner, **journal, report.run_id, "cleanup");
    if (Result<void> applied = executor.Apply(report.plan); !applied) {
      report.errors.push_back(applied.error().message);
      PrintReport(report, output.json, output.quiet);
      return kExitRolledBack;
    }
    report.applied = !report.plan.empty();
  }
  report.ready = report.errors.empty();
  PrintReport(report, output.json, output.quiet);
  return report.ready ? kExitReady : kExitNotReady;
}

}  // namespace

void SetupCleanupCommand(CLI::App& app, CommandFn& run) {
  SetupTargetCommand(app, run, "cleanup", "After issuance: remove the validation file and what fix added", true,
                     RunCleanup);
}

}  // namespace dcv
