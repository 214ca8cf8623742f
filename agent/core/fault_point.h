// Test-only fault injection for the journaled executor. The fault-injection end-to-end test
// (tests/e2e/fault_injection_test.sh) sets DCV_AGENT_FAULT to make the agent kill itself with
// SIGKILL at one precise point of one plan step, then checks that `rollback --recover` puts
// the host back byte for byte. When the variable is unset (always, outside that test) the
// hooks do nothing and log nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace dcv {

/// Where in step N the agent may be killed. DCV_AGENT_FAULT=<point>:<N>, N 1-based:
///   kill-before-journal:N  nothing of step N journaled yet (no backup, no undo record)
///   kill-before:N          step N's undo record journaled and fsynced, step not started
///   kill-after:N           step N done, its "done" record not yet written
///   kill-after-done:N      step N's "done" record written (after the last step: no commit)
enum class FaultPoint { kBeforeJournal, kBefore, kAfter, kAfterDone };

struct FaultSpec {
  FaultPoint point;
  std::size_t step;  // 1-based
};

/// Parses a DCV_AGENT_FAULT value; nullopt when it is not one of the forms above.
std::optional<FaultSpec> ParseFaultSpec(const std::string& text);

/// Raises SIGKILL on this process when DCV_AGENT_FAULT names `point` of step `index + 1`
/// (index: the executor's 0-based step index). No effect, and no output, when unset.
void FaultPointReached(FaultPoint point, std::size_t index);

}  // namespace dcv
