// Opening the journal for a command that changes the machine: take the lock, and roll
// back any run that a crash or kill left unfinished before anything new is changed.
#pragma once

#include <string>

#include "agent/core/journal.h"
#include "platform/process.h"

namespace dcv {

/// The journal, locked, with every interrupted run rolled back. An Error when the lock
/// cannot be had or a recovery failed (then nothing new may be changed).
Result<Journal> OpenJournalAndRecover(const std::string& state_dir, ProcessRunner& runner);

/// Prints "dcv-agent: <message>" on stderr and returns kExitInternal.
int ReportInternalError(const Error& error);

}  // namespace dcv
