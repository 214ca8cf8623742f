// Benchmark (not a test): parse and evaluate a saved `nft -j list ruleset` output.
// Usage: nftables_bench FILE.json [iface ...]   Prints rules, parse ms, evaluate ms.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "remediators/firewall/nftables/nft_evaluate.h"
#include "remediators/firewall/nftables/nft_ruleset.h"

namespace {

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE.json [iface ...]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto start = std::chrono::steady_clock::now();
  auto ruleset = dcv::ParseNftJson(text.str());
  const double parse_ms = MsSince(start);
  if (!ruleset) {
    std::fprintf(stderr, "%s\n", ruleset.error().message.c_str());
    return 1;
  }
  dcv::NftEvaluateOptions options;
  for (int i = 2; i < argc; ++i) options.interfaces.emplace_back(argv[i]);
  start = std::chrono::steady_clock::now();
  const dcv::NftEvaluation evaluation = dcv::EvaluateInbound(*ruleset, options);
  const double evaluate_ms = MsSince(start);
  std::printf("rules %zu  paths %zu  parse %.1f ms  evaluate %.1f ms  open %s\n",
              ruleset->RuleCount(), evaluation.paths.size(), parse_ms, evaluate_ms,
              evaluation.AllOpen() ? "yes" : "no");
  return 0;
}
