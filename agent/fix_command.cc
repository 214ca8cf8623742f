// `dcv-agent fix [--dry-run]`: the whole pipeline. After Apply it gathers the facts again
// and verifies, so the verdict speaks of the machine as it now is; findings diagnosed
// before the fix that are gone after it are reported as fixed. --dry-run only swaps the
// executor (and opens no journal, so it writes nothing at all). For the dns method, the
// Verify phase first waits (bounded by --dns-wait) until every authoritative server
// answers the published record.
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/journal.h"
#include "agent/dns/txt_publish.h"
#include "agent/pipeline.h"
#include "agent/recovery.h"
#include "agent/report.h"
#include "agent/target_input.h"
#include "agent/settings.h"

namespace dcv {
namespace {

bool SameFinding(const Finding& a, const Finding& b) {
  return a.code == b.code && a.domain == b.domain && a.url == b.url;
}

// Before-findings, marked fixed when the after-diagnosis no longer has them, followed by
// the after-findings that are new.
std::vector<Finding> MergeFindings(std::vector<Finding> before, const std::vector<Finding>& after) {
  for (Finding& f : before) {
    f.fixed = std::none_of(after.begin(), after.end(), [&](const Finding& a) { return SameFinding(f, a); });
  }
  for (const Finding& a : after) {
    if (std::none_of(before.begin(), before.end(), [&](const Finding& b) { return SameFinding(a, b); })) {
      before.push_back(a);
    }
  }
  return before;
}

bool HasReload(const Plan& plan) {
  return std::any_of(plan.steps.begin(), plan.steps.end(),
                     [](const Step& s) { return std::holds_alternative<Reload>(s.action); });
}

// The dns method with an update server: the record was just published, or the primary
// has it and secondaries lag. Either way every server is polled until it answers.
bool AwaitsPropagation(const Target& target, const Diagnosis& before, bool applied) {
  if (target.method != Method::kDns || target.dns_server.empty()) return false;
  return applied || std::any_of(before.findings.begin(), before.findings.end(),
                                [](const Finding& f) { return f.code == FindingCode::kTxtNotOnAllNs; });
}

int RunFix(const TargetOptions& target_options, const OutputOptions& output, bool dry_run) {
  Result<Target> target = BuildTarget(target_options, true);
  if (!target) return ReportUsageError(target.error());
  Result<std::string> key = ReadKeyIfAny(target_options);
  if (!key) return ReportUsageError(key.error());
  SystemProcessRunner runner;
  Report report = NewReport("fix", *target);
  report.dry_run = dry_run;

  Result<std::optional<Journal>> journal = OpenJournalUnlessDryRun(target_options.state_dir, runner, dry_run);
  if (!journal) return ReportInternalError(journal.error());
  Facts facts = GatherFacts(runner, report.run_id);
  Diagnosis before = Diagnose(*target, facts);
  PlanOutcome outcome = MakeFixPlan(*target, facts, before);
  report.plan = outcome.plan;
  report.errors = facts.errors;
  report.errors.insert(report.errors.end(), outcome.refusals.begin(), outcome.refusals.end());
  if (dry_run || !outcome.refusals.empty()) {
    // Nothing is applied when any remediator refused: no host is left half-fixed.
    report.diagnosis = before;
    report.ready = IsReady(before) && report.errors.empty() && report.plan.empty();
    PrintReport(report, output.json, output.quiet);
    return report.ready ? kExitReady : kExitNotReady;
  }
  JournaledExecutor executor(runner, **journal, report.run_id, "fix");
  if (Result<void> applied = executor.Apply(report.plan); !applied) {
    report.errors.push_back(applied.error().message);
    report.diagnosis = before;
    PrintReport(report, output.json, output.quiet);
    return kExitRolledBack;
  }
  report.applied = !report.plan.empty();
  if (HasReload(report.plan)) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  if (AwaitsPropagation(*target, before, report.applied)) {
    WaitForTxtEverywhere(*target, std::chrono::seconds(target->dns_wait_seconds));
  }

  Facts after_facts = GatherFacts(runner, report.run_id);
  Diagnosis observed = Diagnose(*target, after_facts);
  report.checks = RunChecksWithProgress(*target, *key, output.progress, output.language);
  AssessChecks(*target, report.checks, observed);
  report.diagnosis.findings = MergeFindings(before.findings, observed.findings);
  report.diagnosis.predictions = observed.predictions;
  report.ready = IsReady(observed) && after_facts.errors.empty();
  PrintReport(report, output.json, output.quiet);
  return report.ready ? kExitReady : kExitNotReady;
}

}  // namespace

void SetupFixCommand(CLI::App& app, CommandFn& run) {
  SetupTargetCommand(app, run, "fix", "Fix what stands in the way, then verify (journaled; reversible)", true,
                     RunFix);
}

}  // namespace dcv
