// The argvs of a plan's RunCommand steps (or of their undo commands), in order: what the
// firewall remediators' plan tests compare with the exact commands expected.
#pragma once

#include <variant>
#include <vector>

#include "agent/core/plan.h"

namespace dcv::testing {

inline std::vector<Argv> RunArgvs(const Plan& plan, bool undo = false) {
  std::vector<Argv> out;
  for (const auto& step : plan.steps) {
    const auto& run = std::get<RunCommand>(step.action);
    out.push_back(undo ? run.undo->argv : run.argv);
  }
  return out;
}

}  // namespace dcv::testing
