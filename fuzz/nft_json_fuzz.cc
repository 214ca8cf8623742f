// libFuzzer target for the nftables readers (remediators/firewall/nftables): the bytes are
// the output of `nft -j list ruleset`, parsed by ParseNftJson and then evaluated the way
// `check` does (EvaluateInbound: every rule's JSON expressions interpreted by nft_match,
// jumps, gotos, verdict maps, named sets, with and without --allow-from and interface
// names). The same bytes also go to the two text readers of that backend: FindRuleText
// (an `nft -a list ruleset` listing) and ScanNftConf (/etc/nftables.conf for persistence).
// Seeds: tests/fixtures/nft/*.json, *.txt, *.nft and tests/fixtures/iptables/*.nft.json.
// An Error is an ordinary outcome; a crash, a sanitizer report, a leak or a hang is not.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/core/cidr.h"
#include "fuzz/fuzz_input.h"
#include "remediators/firewall/nftables/nft_conf.h"
#include "remediators/firewall/nftables/nft_evaluate.h"
#include "remediators/firewall/nftables/nft_ruleset.h"

namespace {

void Evaluate(const dcv::NftRuleset& ruleset) {
  dcv::NftEvaluateOptions plain;
  dcv::NftEvaluation all = dcv::EvaluateInbound(ruleset, plain);
  (void)all.AllOpen();
  for (int version : {4, 6}) {
    for (const dcv::NftPathVerdict* path : all.Blocked(version, 80)) {
      if (path->stop) (void)path->stop->Source();
    }
  }
  dcv::NftEvaluateOptions narrowed;
  narrowed.interfaces = {"lo", "eth0", "wg0"};
  for (const char* cidr : {"192.0.2.0/24", "2001:db8::/32"}) {
    auto parsed = dcv::ParseCidr(cidr);
    if (parsed) narrowed.allow_from.push_back(*parsed);
  }
  (void)dcv::EvaluateInbound(ruleset, narrowed).Open(4, 443);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = dcv::fuzz::AsView(data, size);
  auto ruleset = dcv::ParseNftJson(text);
  if (ruleset) {
    (void)ruleset->RuleCount();
    for (const dcv::NftChain& chain : ruleset->chains) (void)dcv::ChainLabel(chain);
    Evaluate(*ruleset);
  }
  (void)dcv::FindRuleText(text, "inet", "filter", "input", 4);
  dcv::NftConfScript script = dcv::ScanNftConf(text);
  for (const dcv::NftConfChain& chain : script.chains) {
    if (chain.close > text.size()) __builtin_trap();
    for (const dcv::NftConfStatement& s : chain.statements) {
      if (s.begin > s.end || s.end > text.size()) __builtin_trap();
    }
  }
  return 0;
}
