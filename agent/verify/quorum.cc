// Quorum over probe results. A probe that could not be asked counts as a failed
// perspective: the CA's remote that cannot reach the server fails in the same way, and
// treating silence as success would turn an outage of our probes into "ready".
#include "agent/verify/quorum.h"

#include <map>
#include <utility>

namespace dcv {

int AllowedProbeFailures(int probes) {
  if (probes >= 6) return 2;
  if (probes >= 4) return 1;
  return 0;
}

std::vector<QuorumVerdict> ApplyQuorum(const std::vector<CheckResult>& results) {
  std::vector<QuorumVerdict> verdicts;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const CheckResult& result : results) {
    if (result.vantage == "local") continue;
    auto [it, inserted] = index.emplace(std::pair{result.url, result.family}, verdicts.size());
    if (inserted) verdicts.push_back({result.url, result.family, 0, 0, {}, false});
    QuorumVerdict& verdict = verdicts[it->second];
    ++verdict.probes;
    if (!result.ok()) verdict.failed_vantages.push_back(result.vantage);
  }
  for (QuorumVerdict& verdict : verdicts) {
    verdict.allowed_failures = AllowedProbeFailures(verdict.probes);
    verdict.passed = static_cast<int>(verdict.failed_vantages.size()) <= verdict.allowed_failures;
  }
  return verdicts;
}

}  // namespace dcv
