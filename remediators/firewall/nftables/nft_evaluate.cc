// Walks the base chains on the prerouting and input hooks for each packet class, the way
// the kernel does: rule by rule, following jump (with return) and goto, ending in a
// verdict or the policy. A rule that matches only some packets of the class (kMaybe) is
// never relied on to accept, but may stop: then the stop is reported as uncertain. The
// packet is open only if every base chain on the path accepts it (testbed.md Q3).
#include "remediators/firewall/nftables/nft_evaluate.h"

#include <algorithm>
#include <unordered_map>

#include "remediators/firewall/nftables/nft_match.h"

namespace dcv {
namespace {

constexpr int kMaxDepth = 64;  // the kernel's own jump stack limit is 16

enum class Flow { kAccept, kBlock, kContinue };

struct WalkResult {
  Flow flow = Flow::kContinue;
  std::optional<NftStop> stop;
};

using ChainIndex = std::unordered_map<std::string, const NftChain*>;

std::string Key(const std::string& family, const std::string& table, const std::string& name) {
  return family + '\0' + table + '\0' + name;
}

// One packet class walking the ruleset.
class Walker {
 public:
  Walker(const NftRuleset& ruleset, const ChainIndex& index, const NftPacket& packet,
         NftPathVerdict& out)
      : ruleset_(ruleset), index_(index), packet_(packet), out_(out) {}

  /// Evaluates one base chain, applying its policy when the walk falls off its end.
  WalkResult EvaluateBase(const NftChain& base) {
    base_ = &base;
    via_ = {base.name};
    WalkResult r = Walk(base, 0, 0);
    if (r.flow != Flow::kContinue) return r;
    if (base.base->policy == "accept") return {Flow::kAccept, std::nullopt};
    return Block(base, base.rules.size(), "policy " + base.base->policy, true, "");
  }

 private:
  WalkResult Block(const NftChain& chain, size_t index, std::string verdict, bool certain,
                   std::string doubt) const {
    NftStop stop{chain.family, chain.table, chain.name, base_->name, via_, std::nullopt,
                 index, std::move(verdict), certain, std::move(doubt)};
    if (index < chain.rules.size()) stop.handle = chain.rules[index].handle;
    return {Flow::kBlock, std::move(stop)};
  }

  static WalkResult Uncertain(WalkResult r, const std::string& doubt) {
    if (r.stop && r.stop->certain) {
      r.stop->certain = false;
      r.stop->doubt = doubt;
    }
    return r;
  }

  WalkResult Call(const NftChain& from, const std::string& target, int depth) {
    auto it = index_.find(Key(from.family, from.table, target));
    if (it == index_.end() || depth >= kMaxDepth) {
      return Block(from, from.rules.size(), "jump " + target, false, "chain not followed");
    }
    via_.push_back(target);
    WalkResult r = Walk(*it->second, 0, depth + 1);
    via_.pop_back();
    return r;
  }

  WalkResult Walk(const NftChain& chain, size_t from, int depth) {
    for (size_t i = from; i < chain.rules.size(); ++i) {
      const NftRuleEffect e = EvaluateRule(chain.rules[i], chain, ruleset_, packet_);
      const NftVerdictKind kind = e.verdict.kind;
      if (e.applies == Tri::kNo || kind == NftVerdictKind::kNone ||
          kind == NftVerdictKind::kContinue) {
        continue;
      }
      const bool sure = e.applies == Tri::kYes;
      switch (kind) {
        case NftVerdictKind::kAccept:
          if (sure) return {Flow::kAccept, std::nullopt};
          Note(chain, i, "might accept (" + e.doubt + "); not relied on");
          break;
        case NftVerdictKind::kReturn:
          if (sure) return {Flow::kContinue, std::nullopt};
          return MaybeLeave(chain, i, depth, e.doubt);
        case NftVerdictKind::kJump:
        case NftVerdictKind::kGoto: {
          WalkResult sub = Call(chain, e.verdict.target, depth);
          if (sure && (kind == NftVerdictKind::kGoto || sub.flow != Flow::kContinue)) return sub;
          if (!sure && sub.flow == Flow::kBlock) return Uncertain(std::move(sub), e.doubt);
          if (!sure && sub.flow == Flow::kAccept) {
            Note(chain, i, "might accept via " + e.verdict.target + "; not relied on");
          }
          if (!sure && kind == NftVerdictKind::kGoto && sub.flow == Flow::kContinue) {
            return MaybeLeave(chain, i, depth, e.doubt);
          }
          break;
        }
        case NftVerdictKind::kQueue:
          return Block(chain, i, e.verdict.text, false, "queued to a userspace program");
        default:  // drop, reject
          return Block(chain, i, e.verdict.text, sure, e.doubt);
      }
    }
    return {Flow::kContinue, std::nullopt};
  }

  // The packet may leave `chain` at rule i or go on: the worse of the two.
  WalkResult MaybeLeave(const NftChain& chain, size_t i, int depth, const std::string& doubt) {
    WalkResult rest = Walk(chain, i + 1, depth);
    if (rest.flow == Flow::kBlock) return Uncertain(std::move(rest), doubt);
    return {Flow::kContinue, std::nullopt};
  }

  void Note(const NftChain& chain, size_t i, const std::string& what) {
    out_.notes.push_back("nft " + ChainLabel(chain) + " handle " +
                         std::to_string(chain.rules[i].handle) + " " + what);
  }

  const NftRuleset& ruleset_;
  const ChainIndex& index_;
  const NftPacket& packet_;
  NftPathVerdict& out_;
  const NftChain* base_ = nullptr;
  std::vector<std::string> via_;
};

// Base chains a packet of `ip_version` crosses on its way in, in kernel order.
std::vector<const NftChain*> InboundBaseChains(const NftRuleset& ruleset, int ip_version) {
  std::vector<const NftChain*> out;
  for (const auto& chain : ruleset.chains) {
    if (!chain.base || (chain.base->hook != "prerouting" && chain.base->hook != "input")) continue;
    const bool family_ok = chain.family == "inet" ||
                           chain.family == (ip_version == 4 ? "ip" : "ip6");
    if (family_ok) out.push_back(&chain);
  }
  std::stable_sort(out.begin(), out.end(), [](const NftChain* a, const NftChain* b) {
    const bool a_pre = a->base->hook == "prerouting", b_pre = b->base->hook == "prerouting";
    if (a_pre != b_pre) return a_pre;
    return a->base->priority < b->base->priority;
  });
  return out;
}

}  // namespace

std::string NftStop::Source() const {
  std::string s = "nft " + family + " " + table + " " + chain;
  return handle ? s + " handle " + std::to_string(*handle) : s + " " + verdict;
}

bool NftStop::SameRule(const NftStop& other) const {
  return family == other.family && table == other.table && chain == other.chain &&
         rule_index == other.rule_index;
}

bool NftEvaluation::Open(int ip_version, int port) const { return Blocked(ip_version, port).empty(); }

std::vector<const NftPathVerdict*> NftEvaluation::Blocked(int ip_version, int port) const {
  std::vector<const NftPathVerdict*> out;
  for (const auto& p : paths) {
    if (p.ip_version == ip_version && p.port == port && !p.open()) out.push_back(&p);
  }
  return out;
}

bool NftEvaluation::AllOpen() const {
  return std::all_of(paths.begin(), paths.end(), [](const auto& p) { return p.open(); });
}

NftEvaluation EvaluateInbound(const NftRuleset& ruleset, const NftEvaluateOptions& options) {
  ChainIndex index;
  for (const auto& chain : ruleset.chains) index[Key(chain.family, chain.table, chain.name)] = &chain;
  std::vector<std::string> ifaces;
  for (const auto& name : options.interfaces) {
    if (name != "lo") ifaces.push_back(name);
  }
  if (ifaces.empty()) ifaces.push_back("");
  NftEvaluation result;
  for (int version : {4, 6}) {
    const auto chains = InboundBaseChains(ruleset, version);
    for (int port : options.ports) {
      for (const auto& iface : ifaces) {
        for (const Cidr& source : SourcesFor(options.allow_from, version)) {
          NftPathVerdict& path = result.paths.emplace_back();
          path.ip_version = version;
          path.port = port;
          path.iface = iface;
          path.source = source;
          const NftPacket packet{version, port, iface, source};
          Walker walker(ruleset, index, packet, path);
          for (const NftChain* base : chains) {
            WalkResult r = walker.EvaluateBase(*base);
            if (r.flow == Flow::kBlock) {
              path.stop = std::move(r.stop);
              break;
            }
          }
        }
      }
    }
  }
  return result;
}

}  // namespace dcv
