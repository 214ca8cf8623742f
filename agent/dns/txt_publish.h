// The dns method's Plan and Verify: publishing the TXT record by RFC 2136 (when the CLI
// was given --dns-server and --tsig-key), removing exactly that record in `cleanup`, and
// waiting until every authoritative server answers it. The changes themselves are steps
// that run `dcv-agent dns-update ...` (argv, journaled like any command, each with the
// exact inverse update as its undo), so rollback and crash recovery need nothing new.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agent/core/plan.h"
#include "agent/core/result.h"
#include "agent/core/target.h"

namespace dcv {

/// Steps adding the TXT record for every domain whose update server lacks it. `self` is
/// the agent's own executable (the steps run it). Errors: what could not be found out.
Result<std::vector<Step>> PlanTxtPublish(const Target& target, const std::string& self);

/// Steps deleting exactly the TXT record (name and value) where the update server has it.
Result<std::vector<Step>> PlanTxtRemoval(const Target& target, const std::string& self);

struct PropagationResult {
  bool complete = false;        // every server of every domain answers the value
  int rounds = 0;
  std::chrono::milliseconds waited{0};
};

/// Polls every authoritative server of every domain (once a second) until all answer the
/// record, or `bound` has passed.
PropagationResult WaitForTxtEverywhere(const Target& target, std::chrono::seconds bound);

/// The path of the running executable (/proc/self/exe).
Result<std::string> SelfExecutable();

}  // namespace dcv
