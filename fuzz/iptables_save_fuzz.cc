// libFuzzer target for the iptables reader (remediators/firewall/iptables): the bytes are
// `iptables-save` / `ip6tables-save` output (or /etc/iptables/rules.v4), parsed by
// ParseIptablesSave (quoting, counters, tables, chains, options, targets) and evaluated as
// `check` does (EvaluateIptInput for IPv4 and IPv6, with and without interfaces and
// --allow-from), every rule also matched on its own against a packet class. Seeds:
// tests/fixtures/iptables/*.txt. A parse Error is an ordinary outcome; a crash, a
// sanitizer report, a leak or a hang is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/core/cidr.h"
#include "fuzz/fuzz_input.h"
#include "remediators/firewall/iptables/ipt_evaluate.h"
#include "remediators/firewall/iptables/ipt_ruleset.h"

namespace {

void Evaluate(const dcv::IptRuleset& ruleset) {
  std::vector<dcv::Cidr> allow_from;
  for (const char* cidr : {"192.0.2.0/24", "2001:db8::/32"}) {
    auto parsed = dcv::ParseCidr(cidr);
    if (parsed) allow_from.push_back(*parsed);
  }
  for (int version : {4, 6}) {
    for (const dcv::IptPathVerdict& path :
         dcv::EvaluateIptInput(ruleset, version, {80, 443}, {})) {
      if (path.stop) (void)path.stop->is_policy();
    }
    (void)dcv::EvaluateIptInput(ruleset, version, {80}, {"lo", "eth0"}, allow_from);
  }
  dcv::IptPacket packet;
  for (const dcv::IptTable& table : ruleset.tables) {
    for (const dcv::IptChain& chain : table.chains) {
      for (const dcv::IptRule& rule : chain.rules) {
        std::string doubt;
        (void)dcv::MatchIptRule(rule, packet, doubt);
        (void)dcv::QuoteSaveWord(rule.comment);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = dcv::fuzz::AsView(data, size);
  auto ruleset = dcv::ParseIptablesSave(text);
  if (ruleset) Evaluate(*ruleset);
  std::vector<bool> quoted;
  std::vector<std::string> words = dcv::SplitSaveLine(text, &quoted);
  if (words.size() != quoted.size()) __builtin_trap();
  return 0;
}
