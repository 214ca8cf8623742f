// Opening the journal for a command that changes the machine: take the lock, and roll
// back any run that a crash or kill left unfinished before anything new is changed.
#pragma once

#include <optional>
#include <string>

#include "agent/core/journal.h"
#include "platform/process.h"

namespace dcv {

/// The journal, locked, with every interrupted run rolled back. An Error when the lock
/// cannot be had or a recovery failed (then nothing new may be changed).
Result<Journal> OpenJournalAndRecover(const std::string& state_dir, ProcessRunner& runner);

/// For a dry run: nullopt, because a dry run writes nothing, not even the state directory.
/// Otherwise the journal, locked and recovered, as OpenJournalAndRecover.
Result<std::optional<Journal>> OpenJournalUnlessDryRun(const std::string& state_dir, ProcessRunner& runner,
                                                       bool dry_run);

/// Prints "dcv-agent: <message>" on stderr and returns kExitInternal.
int ReportInternalError(const Error& error);

}  // namespace dcv
