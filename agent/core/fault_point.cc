// Test-only fault injection (see fault_point.h). The variable is read once per process. A
// malformed value is ignored rather than reported: this is not an interface for users, and
// a typo must never make the agent behave differently from a run without it. The kill is
// kill(getpid(), SIGKILL): no destructor, no atexit handler, no buffered output flushed,
// exactly what a crash, an OOM kill or `kill -9` leaves behind.
#include "agent/core/fault_point.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

namespace dcv {

std::optional<FaultSpec> ParseFaultSpec(const std::string& text) {
  static constexpr struct {
    const char* name;
    FaultPoint point;
  } kPoints[] = {{"kill-before-journal:", FaultPoint::kBeforeJournal},
                 {"kill-before:", FaultPoint::kBefore},
                 {"kill-after:", FaultPoint::kAfter},
                 {"kill-after-done:", FaultPoint::kAfterDone}};
  for (const auto& candidate : kPoints) {
    const std::string prefix = candidate.name;
    if (text.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string number = text.substr(prefix.size());
    if (number.empty() || number.size() > 6 || number.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    const std::size_t step = std::stoul(number);
    if (step == 0) return std::nullopt;
    return FaultSpec{candidate.point, step};
  }
  return std::nullopt;
}

void FaultPointReached(FaultPoint point, std::size_t index) {
  static const std::optional<FaultSpec> spec = [] {
    const char* value = std::getenv("DCV_AGENT_FAULT");
    return value ? ParseFaultSpec(value) : std::nullopt;
  }();
  if (!spec || spec->point != point || spec->step != index + 1) return;
  ::kill(::getpid(), SIGKILL);
  for (;;) ::pause();  // not reached: SIGKILL to oneself is delivered before kill() returns
}

}  // namespace dcv
