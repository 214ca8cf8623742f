// `dcv-agent cleanup`: after issuance, removes what `fix` added for the target (the
// validation file, the web server's location block). It is journaled like a fix, so it
// too can be rolled back. A validation file is removed only while it holds exactly what
// was written: the --content given, or without it the bytes the newest committed fix run
// recorded for that path in the journal; a file left is named in the report's errors.
#include <filesystem>
#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/journal.h"
#include "agent/pipeline.h"
#include "agent/recovery.h"
#include "agent/report.h"
#include "agent/target_input.h"
#include "remediators/webroot/fix_record.h"

namespace dcv {
namespace {

/// Which validation files the plan may remove. Without --content their content comes from
/// the journal (read-only; a dry run reads it too when the state directory exists).
void SettleFiles(const Target& target, const std::string& state_dir,
                 const std::optional<Journal>& open, Plan& plan, std::vector<std::string>& errors) {
  const bool given = !target.content.empty();
  if (open || given) return SettleRemovals(open ? &*open : nullptr, given, plan, errors);
  std::error_code ec;
  std::optional<Journal> read_only;
  if (std::filesystem::exists(state_dir + "/runs", ec)) {
    if (Result<Journal> journal = Journal::Open(state_dir); journal) read_only.emplace(std::move(*journal));
  }
  SettleRemovals(read_only ? &*read_only : nullptr, given, plan, errors);
}

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
  std::vector<std::string> left;  // validation files that stay: not a refusal, the rest proceeds
  SettleFiles(*target, target_options.state_dir, *journal, report.plan, left);
  if (!dry_run && outcome.refusals.empty()) {
    JournaledExecutor executor(runner, **journal, report.run_id, "cleanup");
    if (Result<void> applied = executor.Apply(report.plan); !applied) {
      report.errors.push_back(applied.error().message);
      PrintReport(report, output.json, output.quiet);
      return kExitRolledBack;
    }
    report.applied = !report.plan.empty();
  }
  report.errors.insert(report.errors.end(), left.begin(), left.end());
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
