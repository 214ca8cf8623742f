// Walks filter/INPUT the way the kernel does for one packet class: rule by rule, `-j
// CHAIN` with return, `-g CHAIN` without, RETURN, ACCEPT, DROP, REJECT, non-terminating
// targets (LOG, MARK, ...) and, at the end of INPUT, its policy. A rule that might match
// never accepts; if it might stop the packet, the stop is reported as uncertain. Unknown
// terminating targets stop uncertainly: we never claim "accepted" on a guess.
#include "remediators/firewall/iptables/ipt_evaluate.h"

#include <set>

namespace dcv {
namespace {

constexpr int kMaxDepth = 64;

enum class Flow { kAccept, kBlock, kContinue };

struct WalkResult {
  Flow flow = Flow::kContinue;
  std::optional<IptStop> stop;
};

bool NonTerminating(const std::string& target) {
  static const std::set<std::string> kTargets{"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK",
                                              "CT", "TRACE", "AUDIT", "TCPMSS", "CLASSIFY",
                                              "DSCP", "TOS", "SET", "NOTRACK", "CHECKSUM",
                                              "TEE", "HMARK", "SECMARK", "CONNSECMARK"};
  return target.empty() || kTargets.count(target) > 0;
}

std::string VerdictText(const IptRule& rule) {
  std::string text = rule.target;
  for (const auto& a : rule.target_args) text += " " + a;
  return text;
}

class Walker {
 public:
  Walker(const IptTable& table, const IptPacket& packet, IptPathVerdict& out)
      : table_(table), packet_(packet), out_(out) {}

  WalkResult EvaluateInput(const IptChain& input) {
    via_ = {input.name};
    WalkResult r = Walk(input, 0, 0);
    if (r.flow != Flow::kContinue) return r;
    if (input.policy == "ACCEPT") return {Flow::kAccept, std::nullopt};
    return Block(input, input.rules.size(), "policy " + input.policy, true, "");
  }

 private:
  WalkResult Block(const IptChain& chain, size_t index, std::string verdict, bool certain,
                   std::string doubt) const {
    IptStop stop{chain.name, via_, index, "", std::move(verdict), certain, std::move(doubt)};
    if (index < chain.rules.size()) stop.rule_text = chain.rules[index].text;
    return {Flow::kBlock, std::move(stop)};
  }

  static WalkResult Uncertain(WalkResult r, const std::string& doubt) {
    if (r.stop && r.stop->certain) {
      r.stop->certain = false;
      r.stop->doubt = doubt;
    }
    return r;
  }

  WalkResult Call(const IptChain& from, size_t i, const IptChain& target, int depth) {
    if (depth >= kMaxDepth) return Block(from, i, "jump " + target.name, false, "too deep");
    via_.push_back(target.name);
    WalkResult r = Walk(target, 0, depth + 1);
    via_.pop_back();
    return r;
  }

  WalkResult Walk(const IptChain& chain, size_t from, int depth) {
    for (size_t i = from; i < chain.rules.size(); ++i) {
      const IptRule& rule = chain.rules[i];
      std::string doubt;
      const Tri applies = MatchIptRule(rule, packet_, doubt);
      if (applies == Tri::kNo || NonTerminating(rule.target)) continue;
      const bool sure = applies == Tri::kYes;
      const IptChain* sub_chain = table_.FindChain(rule.target);
      if (rule.target == "ACCEPT") {
        if (sure) return {Flow::kAccept, std::nullopt};
        Note(chain, i, "might accept (" + doubt + "); not relied on");
      } else if (rule.target == "RETURN") {
        if (sure) return {Flow::kContinue, std::nullopt};
        return MaybeLeave(chain, i, depth, doubt);
      } else if (sub_chain && !sub_chain->builtin()) {
        WalkResult sub = Call(chain, i, *sub_chain, depth);
        if (sure && (rule.is_goto || sub.flow != Flow::kContinue)) return sub;
        if (!sure && sub.flow == Flow::kBlock) return Uncertain(std::move(sub), doubt);
        if (!sure && sub.flow == Flow::kAccept) {
          Note(chain, i, "might accept via " + rule.target + "; not relied on");
        }
        if (!sure && rule.is_goto && sub.flow == Flow::kContinue) {
          return MaybeLeave(chain, i, depth, doubt);
        }
      } else if (rule.target == "DROP" || rule.target == "REJECT") {
        return Block(chain, i, VerdictText(rule), sure, doubt);
      } else {
        return Block(chain, i, VerdictText(rule), false, "target " + rule.target);
      }
    }
    return {Flow::kContinue, std::nullopt};
  }

  WalkResult MaybeLeave(const IptChain& chain, size_t i, int depth, const std::string& doubt) {
    WalkResult rest = Walk(chain, i + 1, depth);
    if (rest.flow == Flow::kBlock) return Uncertain(std::move(rest), doubt);
    return {Flow::kContinue, std::nullopt};
  }

  void Note(const IptChain& chain, size_t i, const std::string& what) {
    out_.notes.push_back(chain.name + " rule " + std::to_string(i + 1) + " " + what);
  }

  const IptTable& table_;
  const IptPacket& packet_;
  IptPathVerdict& out_;
  std::vector<std::string> via_;
};

}  // namespace

std::vector<IptPathVerdict> EvaluateIptInput(const IptRuleset& ruleset, int ip_version,
                                             const std::vector<int>& ports,
                                             const std::vector<std::string>& interfaces,
                                             const std::vector<Cidr>& allow_from) {
  std::vector<std::string> ifaces;
  for (const auto& name : interfaces) {
    if (name != "lo") ifaces.push_back(name);
  }
  if (ifaces.empty()) ifaces.push_back("");
  const IptTable* filter = ruleset.FindTable("filter");
  const IptChain* input = filter ? filter->FindChain("INPUT") : nullptr;
  std::vector<IptPathVerdict> out;
  for (int port : ports) {
    for (const auto& iface : ifaces) {
      for (const Cidr& source : SourcesFor(allow_from, ip_version)) {
        IptPathVerdict& path = out.emplace_back();
        path.ip_version = ip_version;
        path.port = port;
        path.iface = iface;
        path.source = source;
        if (!input) continue;  // no filter/INPUT: nothing filters
        const IptPacket packet{ip_version, port, iface, source};
        Walker walker(*filter, packet, path);
        WalkResult r = walker.EvaluateInput(*input);
        if (r.flow == Flow::kBlock) path.stop = std::move(r.stop);
      }
    }
  }
  return out;
}

}  // namespace dcv
