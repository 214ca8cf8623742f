// The multi-perspective rule, as data over CheckResults: a CA that validates from
// several vantage points issues when all but a few of them succeed (BR 3.2.2.9; Let's
// Encrypt's 1 primary + 4 remotes with one allowed failure). `verify --probe` applies
// the same rule to its probes so that "ready" means what the CA will decide.
#pragma once

#include <string>
#include <vector>

#include "agent/verify/check_result.h"

namespace dcv {

/// Failures tolerated among `probes` vantage points: none with fewer than 4, one with
/// 4 or 5, two with 6 or more.
int AllowedProbeFailures(int probes);

/// The quorum outcome for one URL and address family.
struct QuorumVerdict {
  std::string url;
  std::string family;
  int probes = 0;
  int allowed_failures = 0;
  std::vector<std::string> failed_vantages;  // in the order of the results
  bool passed = false;
};

/// Groups the results of outside probes by (url, family), in first-seen order, and
/// applies AllowedProbeFailures to each group. Results with vantage "local" are ignored:
/// the host's own view is not a perspective the CA has.
std::vector<QuorumVerdict> ApplyQuorum(const std::vector<CheckResult>& results);

}  // namespace dcv
