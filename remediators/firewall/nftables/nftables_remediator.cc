// The nftables remediator: Detect runs `nft -j list ruleset` (through the host's process
// runner, never a shell) and evaluates the CA's packet classes at once; Diagnose reports
// one PORT_CLOSED_FIREWALL per blocked (family, port) naming the chain and nft's own text
// of the stopping rule; PlanFix inserts one accept rule per stopping chain (undone by
// looking the rule up by its comment) and edits /etc/nftables.conf so that the opening
// survives a reload of that file. With --allow-from the CA's connections are evaluated
// from those networks and the rules match them; --temporary openings are runtime only,
// marked in their comment, and PlanCleanup deletes them.
#include "remediators/firewall/nftables/nftables_remediator.h"

#include <net/if.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "remediators/firewall/firewall_owner.h"
#include "remediators/firewall/nftables/nft_conf.h"
#include "agent/core/unified_diff.h"

#include "platform/interfaces.h"

namespace dcv {
namespace {

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string PortList(const std::vector<int>& ports) {
  std::string s;
  for (size_t i = 0; i < ports.size(); ++i) {
    s += (i == 0 ? "" : i + 1 == ports.size() ? " and " : ", ") + ("tcp/" + std::to_string(ports[i]));
  }
  return s;
}

std::string Families(const std::string& family) {
  return family == "inet" ? "IPv4 and IPv6" : family == "ip" ? "IPv4" : "IPv6";
}

}  // namespace

NftablesRemediator::NftablesRemediator() : NftablesRemediator(Options{}) {}

NftablesRemediator::NftablesRemediator(Options options) : options_(std::move(options)) {
  if (!options_.read_file) options_.read_file = ReadTextFile;
  if (!options_.list_interfaces) options_.list_interfaces = InterfaceNames;
}

Result<bool> NftablesRemediator::Detect(const Host& host) {
  const ProcessResult r = host.runner.Run({"nft", "-j", "list", "ruleset"});
  if (!r.started) return false;  // nft is not installed
  if (r.timed_out) return MakeError("nft -j list ruleset timed out");
  if (r.exit_status != 0) {
    if (Contains(r.err, "Operation not permitted") || Contains(r.err, "Permission denied")) {
      return MakeError("nft -j list ruleset: permission denied (dcv-agent must run as root)");
    }
    if (Contains(r.err, "Protocol not supported")) return false;  // no nf_tables in the kernel
    return MakeError("nft -j list ruleset failed (exit " + std::to_string(r.exit_status) +
                     "): " + r.err);
  }
  auto parsed = ParseNftJson(r.out);
  if (!parsed) return MakeError("cannot read the nftables ruleset: " + parsed.error().message);
  ruleset_ = std::move(*parsed);
  listings_.clear();
  evaluate_options_.interfaces = options_.list_interfaces();
  // Chains another remediator owns (firewall_owner.h) are left out of what this one
  // reports and plans: their owner is assumed to open them.
  foreign_.clear();
  const bool maybe_iptables = std::any_of(ruleset_.tables.begin(), ruleset_.tables.end(),
      [](const NftTable& t) { return t.family == "ip" || t.family == "ip6"; });
  const std::set<std::string> iptables_nft =
      maybe_iptables ? IptablesNftChains(host.runner) : std::set<std::string>{};
  native_ruleset_ = ruleset_;
  std::erase_if(native_ruleset_.chains, [&](const NftChain& c) {
    const FirewallOwner owner = OwnerOfNftChain(c, iptables_nft);
    if (owner == FirewallOwner::kNftables) return false;
    foreign_[c.family + " " + c.table + " " + c.name] = std::string(OwnerName(owner));
    return true;
  });
  Evaluate();
  return !ruleset_.tables.empty();
}

void NftablesRemediator::Evaluate() {
  evaluation_ = EvaluateInbound(ruleset_, evaluate_options_);
  native_evaluation_ =
      foreign_.empty() ? evaluation_ : EvaluateInbound(native_ruleset_, evaluate_options_);
}

void NftablesRemediator::EvaluateFrom(const std::vector<Cidr>& allow_from) {
  if (allow_from == evaluate_options_.allow_from) return;
  evaluate_options_.allow_from = allow_from;
  Evaluate();
}

std::string NftablesRemediator::RuleText(const Host& host, const NftStop& stop) {
  if (!stop.handle) return "";
  const std::string label = stop.family + " " + stop.table + " " + stop.chain;
  auto it = listings_.find(label);
  if (it == listings_.end()) {
    const ProcessResult r =
        host.runner.Run({"nft", "-a", "list", "chain", stop.family, stop.table, stop.chain});
    it = listings_.emplace(label, r.ok() ? r.out : "").first;
  }
  std::string text = FindRuleText(it->second, stop.family, stop.table, stop.chain, *stop.handle);
  if (!text.empty()) return text;
  const NftChain* chain = ruleset_.FindChain(stop.family, stop.table, stop.chain);
  for (size_t i = 0; chain && i < chain->rules.size(); ++i) {  // `nft -a list` failed
    if (chain->rules[i].handle == *stop.handle) return chain->rules[i].expr.dump();
  }
  return "";
}

Finding NftablesRemediator::MakeFinding(const Host& host, int ip_version, int port,
                                        const std::vector<const NftPathVerdict*>& blocked) {
  const NftStop& stop = *blocked.front()->stop;
  const std::string label = stop.family + " " + stop.table + " " + stop.chain;
  std::string evidence = "nftables: a new IPv" + std::to_string(ip_version) + " connection to tcp/" +
                         std::to_string(port) + " from outside is stopped by ";
  evidence += stop.handle ? "rule `" + RuleText(host, stop) + "` (handle " +
                                std::to_string(*stop.handle) + ") in chain "
                          : "the " + stop.verdict + " of chain ";
  evidence += label;
  if (stop.via.size() > 1) {
    evidence += " (reached from base chain";
    for (const auto& name : stop.via) evidence += (name == stop.via.front() ? " " : " -> ") + name;
    evidence += ")";
  }
  const auto all_paths = std::count_if(
      native_evaluation_.paths.begin(), native_evaluation_.paths.end(),
      [&](const NftPathVerdict& p) { return p.ip_version == ip_version && p.port == port; });
  if (!blocked.front()->iface.empty() && static_cast<long>(blocked.size()) < all_paths) {
    evidence += "; on interface";
    for (const auto* path : blocked) evidence += " " + path->iface;
  }
  if (!stop.certain) evidence += "; it may stop only some senders (" + stop.doubt + ")";
  for (const auto& note : blocked.front()->notes) evidence += "; " + note;
  Finding f;
  f.code = FindingCode::kPortClosedFirewall;
  f.severity = stop.certain ? Severity::kError : Severity::kWarning;
  f.ip_version = ip_version;
  f.port = port;
  f.evidence = evidence;
  f.remedy = "accept tcp/" + std::to_string(port) + " in chain " + label +
             (stop.handle ? " before that rule" : " before its policy") +
             " (an accept in another table or chain does not help); `dcv-agent fix` does this"
             " and persists it in " + options_.conf_path;
  f.source = stop.Source();
  return f;
}

void NftablesRemediator::Diagnose(const Target& target, const Host& host, Diagnosis& out) {
  if (target.method == Method::kDns) return;  // the CA does not connect to this host
  EvaluateFrom(target.allow_from);
  for (int version : {4, 6}) {
    for (int port : evaluate_options_.ports) {
      const auto blocked = native_evaluation_.Blocked(version, port);
      if (!blocked.empty()) out.findings.push_back(MakeFinding(host, version, port, blocked));
    }
  }
}

std::optional<EditFile> NftablesRemediator::Persist(const Host& host,
                                                     const NftOpeningPlan& openings,
                                                     std::vector<std::string>& where) {
  const std::string& path = options_.conf_path;
  const std::optional<std::string> text = options_.read_file(path);
  if (!text) {
    where.assign(openings.openings.size(), "runtime only: " + path + " does not exist");
    return std::nullopt;
  }
  std::vector<NftPersistRequest> requests;
  for (const auto& o : openings.openings) {
    const NftChain* chain = ruleset_.FindChain(o.family, o.table, o.chain);
    requests.push_back({o, RuleText(host, o.stop), chain ? chain->rules.size() : 0});
  }
  NftPersistResult result = PersistOpenings(path, *text, requests, host.run_id);
  where = std::move(result.where);
  if (result.content == *text) return std::nullopt;
  return EditFile{path, *text, result.content, UnifiedDiff(path, *text, result.content)};
}

Result<void> NftablesRemediator::PlanFix(const Target& target, const Host& host,
                                         const Diagnosis& /*diagnosis*/, Plan& plan) {
  if (target.method == Method::kDns) return {};
  EvaluateFrom(target.allow_from);
  NftOpeningPlan openings = PlanOpenings(native_ruleset_, evaluate_options_);
  if (openings.openings.empty()) return {};  // nothing stands in the way
  std::vector<std::string> where(openings.openings.size(), "runtime only (--temporary): cleanup removes it");
  std::optional<EditFile> edit;
  if (target.temporary) {
    for (NftOpening& o : openings.openings) o.temporary = true;
  } else {
    edit = Persist(host, openings, where);
  }
  for (size_t i = 0; i < openings.openings.size(); ++i) {
    const NftOpening& o = openings.openings[i];
    const std::string label = o.family + " " + o.table + " " + o.chain;
    std::string description = "nftables: accept " + PortList(o.ports) + " (" +
                              Families(o.ip_version ? (o.ip_version == 4 ? "ip" : "ip6") : o.family) +
                              (o.sources.empty() ? "" : " from " + JoinCidrs(o.sources)) +
                              ") in chain " + label;
    description += o.before_handle ? " before handle " + std::to_string(*o.before_handle)
                                   : " at its end (before its " + o.stop.verdict + ")";
    description += "; " + where[i];
    if (i + 1 == openings.openings.size()) {
      for (const auto& note : openings.notes) description += "; " + note;
    }
    const std::string version = o.ip_version ? "-v" + std::to_string(o.ip_version) : "";
    plan.steps.push_back({"nftables.accept." + o.family + "-" + o.table + "-" + o.chain + version,
                          std::string(id()), description,
                          RunCommand{OpeningArgv(o, host.run_id), OpeningUndo(o, host.run_id)}});
  }
  if (edit) {
    plan.steps.push_back({"nftables.persist", std::string(id()),
                          "nftables: keep the opening in " + edit->path +
                              " (loaded by nftables.service at boot)",
                          std::move(*edit)});
  }
  return {};
}

Result<void> NftablesRemediator::PlanCleanup(const Target& /*target*/, const Host& host,
                                             Plan& plan) {
  // Native chains only: a marked rule in an iptables-nft chain is the iptables remediator's.
  for (const NftChain& chain : native_ruleset_.chains) {
    std::vector<size_t> ours;  // temporary openings of any run, in chain order
    for (size_t i = 0; i < chain.rules.size(); ++i) {
      if (chain.rules[i].comment.starts_with(kTemporaryCommentPrefix)) ours.push_back(i);
    }
    // Last first, each re-inserted by its undo before the next rule that stays, so that a
    // rollback of the cleanup rebuilds the chain in its old order.
    for (auto it = ours.rbegin(); it != ours.rend(); ++it) {
      plan.steps.push_back(RemovalStep(host, chain, *it));
    }
  }
  return {};
}

Step NftablesRemediator::RemovalStep(const Host& host, const NftChain& chain, size_t index) {
  const NftRule& rule = chain.rules[index];
  const std::string label = chain.family + " " + chain.table + " " + chain.name;
  const NftStop where{chain.family, chain.table, chain.name, chain.name, {}, rule.handle, index, "", true, ""};
  const std::string text = RuleText(host, where);
  std::optional<uint64_t> next;
  for (size_t i = index + 1; i < chain.rules.size() && !next; ++i) {
    if (!chain.rules[i].comment.starts_with(kTemporaryCommentPrefix)) next = chain.rules[i].handle;
  }
  UndoCommand undo{{"nft", next ? "insert" : "add", "rule", chain.family, chain.table, chain.name}, {}, ""};
  if (next) {
    undo.argv.push_back("position");
    undo.argv.push_back(std::to_string(*next));
  }
  undo.argv.push_back(text);
  return {"nftables.remove-temporary." + chain.family + "-" + chain.table + "-" + chain.name + "-" +
              std::to_string(rule.handle),
          std::string(id()),
          "nftables: remove the temporary opening `" + text + "` from chain " + label,
          RunCommand{{"nft", "delete", "rule", chain.family, chain.table, chain.name, "handle",
                      std::to_string(rule.handle)},
                     std::move(undo)}};
}

}  // namespace dcv
