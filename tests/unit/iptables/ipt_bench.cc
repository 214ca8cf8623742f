// Benchmark (not a test): parse and evaluate a saved `iptables-save` output.
// Usage: iptables_bench FILE [4|6] [iface ...]   Prints rules, parse ms, evaluate ms.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "remediators/firewall/iptables/ipt_evaluate.h"
#include "remediators/firewall/iptables/ipt_ruleset.h"

namespace {

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [4|6] [iface ...]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const int ip_version = argc > 2 ? std::atoi(argv[2]) : 4;
  std::vector<std::string> interfaces;
  for (int i = 3; i < argc; ++i) interfaces.emplace_back(argv[i]);
  auto start = std::chrono::steady_clock::now();
  auto ruleset = dcv::ParseIptablesSave(text.str());
  const double parse_ms = MsSince(start);
  if (!ruleset) {
    std::fprintf(stderr, "%s\n", ruleset.error().message.c_str());
    return 1;
  }
  start = std::chrono::steady_clock::now();
  const auto verdicts = dcv::EvaluateIptInput(*ruleset, ip_version, {80, 443}, interfaces);
  const double evaluate_ms = MsSince(start);
  bool open = true;
  for (const auto& verdict : verdicts) open = open && verdict.open();
  std::printf("paths %zu  parse %.1f ms  evaluate %.1f ms  open %s\n", verdicts.size(), parse_ms,
              evaluate_ms, open ? "yes" : "no");
  return 0;
}
