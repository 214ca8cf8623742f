// Recovery of interrupted runs. A run whose journal has no "commit" and no "rolled_back"
// record was stopped mid-way (crash, kill, power loss); its undo records are complete up
// to the step it was in, because each is fsynced before its step starts. Rolling it back
// first returns the host to a known state before a new change begins.
#include "agent/recovery.h"

#include <iostream>

#include <spdlog/spdlog.h>

#include "agent/cli_options.h"
#include "agent/core/executor.h"

namespace dcv {

Result<Journal> OpenJournalAndRecover(const std::string& state_dir, ProcessRunner& runner) {
  Result<Journal> journal = Journal::Open(state_dir);
  if (!journal) return journal.error();
  for (const RunInfo& run : journal->Unfinished()) {
    spdlog::warn("run {} ({}) was interrupted; rolling it back first", run.id, run.command);
    if (Result<void> rolled = RollBackRun(run.id, *journal, runner); !rolled) {
      return MakeError("cannot recover interrupted run " + run.id + ": " + rolled.error().message);
    }
  }
  return journal;
}

Result<std::optional<Journal>> OpenJournalUnlessDryRun(const std::string& state_dir, ProcessRunner& runner,
                                                       bool dry_run) {
  if (dry_run) return std::optional<Journal>();
  Result<Journal> journal = OpenJournalAndRecover(state_dir, runner);
  if (!journal) return journal.error();
  return std::optional<Journal>(std::move(*journal));
}

int ReportInternalError(const Error& error) {
  std::cerr << "dcv-agent: " << error.message << std::endl;
  return kExitInternal;
}

}  // namespace dcv
