// `dcv-agent verify`: fetches every URL the CA will fetch, from each --probe (or from this
// host, labelled a possible false positive) and reports per URL, family and vantage.
// It reads no configuration: it is the outside view alone.
#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/journal.h"
#include "agent/pipeline.h"
#include "agent/report.h"
#include "agent/target_input.h"
#include "agent/settings.h"

namespace dcv {
namespace {

int RunVerify(const TargetOptions& target_options, const OutputOptions& output) {
  Result<Target> target = BuildTarget(target_options, true);
  if (!target) return ReportUsageError(target.error());
  Result<std::string> key = ReadKeyIfAny(target_options);
  if (!key) return ReportUsageError(key.error());
  Report report = NewReport("verify", *target);
  report.checks = RunChecksWithProgress(*target, *key, output.progress, output.language);
  AssessChecks(*target, report.checks, report.diagnosis);
  report.ready = IsReady(report.diagnosis);
  PrintReport(report, output.json, output.quiet);
  return report.ready ? kExitReady : kExitNotReady;
}

}  // namespace

void SetupVerifyCommand(CLI::App& app, CommandFn& run) {
  SetupTargetCommand(app, run, "verify", "Fetch the validation URLs as the CA will, from outside", false,
                     [](const TargetOptions& t, const OutputOptions& o, bool) { return RunVerify(t, o); });
}

}  // namespace dcv
