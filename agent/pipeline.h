// The phases, Facts -> Diagnose -> Plan -> Apply -> Verify, as functions over plain data.
// Each subcommand is a short sequence of these calls; only Apply (through an Executor)
// changes the machine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/core/diagnosis.h"
#include "agent/core/executor.h"
#include "agent/core/plan.h"
#include "agent/core/target.h"
#include "agent/verify/check_result.h"
#include "remediators/remediator.h"

namespace dcv {

/// What the Facts phase learned: the host and the remediators in use on it.
struct Facts {
  Host host;
  std::vector<std::unique_ptr<Remediator>> active;
  std::vector<std::string> errors;  // components in use that could not be read
};

/// Reads the host (read-only): OS, listeners, and which remediators are in use.
Facts GatherFacts(ProcessRunner& runner, const std::string& run_id);

/// Name checks plus every active remediator's findings and predictions.
Diagnosis Diagnose(const Target& target, Facts& facts);

struct PlanOutcome {
  Plan plan;
  std::vector<std::string> refusals;  // remediators that refused to plan (and why)
};
PlanOutcome MakeFixPlan(const Target& target, Facts& facts, const Diagnosis& diagnosis);
PlanOutcome MakeCleanupPlan(const Target& target, Facts& facts);

/// The URLs the CA fetches for the target, each pinned to IPv4 and to IPv6.
std::vector<FetchSpec> ValidationSpecs(const Target& target);
FetchRules RulesFor(const Target& target);

/// Fetches every spec from each probe (or, with none, from this host).
std::vector<CheckResult> RunChecks(const Target& target, const std::string& probe_key);

/// Findings that only the network shows (appended to `diagnosis` unless the same code
/// is already reported for the domain), e.g. a local-only vantage or an upstream block.
void AssessChecks(const Target& target, const std::vector<CheckResult>& checks, Diagnosis& diagnosis);

/// "ready" when no finding of severity error remains.
bool IsReady(const Diagnosis& diagnosis);

}  // namespace dcv
