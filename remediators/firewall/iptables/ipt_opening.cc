// Turns the stops of one iptables stack and family into `-I` commands. Each round groups
// the stops by chain (one accept per chain, before the earliest stop, covering every port
// stopped there), inserts them into a simulated copy and evaluates again. Positions are
// taken in the simulated chain as it is at that moment, so running the commands in plan
// order reproduces the simulation exactly. Stops in ufw's or Docker's chains get a
// phantom accept in the simulation (their owner opens them) and no command.
#include "remediators/firewall/iptables/ipt_opening.h"

#include <algorithm>
#include <map>

#include "remediators/firewall/firewall_owner.h"
#include "remediators/firewall/nftables/nft_opening.h"

namespace dcv {
namespace {

constexpr int kMaxRounds = 16;

std::string PortCsv(const std::vector<int>& ports) {
  std::string s;
  for (int port : ports) s += (s.empty() ? "" : ",") + std::to_string(port);
  return s;
}

// iptables-save prints every network with its prefix length, hosts as /32 and /128.
std::string SaveNetwork(const Cidr& cidr) {
  const std::string text = cidr.ToString();
  if (text.find('/') != std::string::npos) return text;
  return text + (cidr.ip_version == 4 ? "/32" : "/128");
}

Argv RuleSpec(const IptOpening& opening, const std::string& run_id) {
  Argv spec;
  if (opening.source) spec = {"-s", SaveNetwork(*opening.source)};
  for (const char* word : {"-p", "tcp", "-m", "multiport", "--dports"}) spec.push_back(word);
  spec.push_back(PortCsv(opening.ports));
  for (const char* word : {"-m", "comment", "--comment"}) spec.push_back(word);
  spec.push_back(OpeningComment(run_id, opening.temporary));
  spec.push_back("-j");
  spec.push_back("ACCEPT");
  return spec;
}

std::string EscapeRegex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// This round's stops, one opening per chain and --allow-from network (owned or not, in
// chain-name order).
std::map<std::pair<std::string, std::string>, IptOpening> GroupStops(
    const std::vector<IptPathVerdict>& paths, IptStack stack, int ip_version) {
  std::map<std::pair<std::string, std::string>, IptOpening> by_chain;
  for (const auto& path : paths) {
    if (path.open()) continue;
    const IptStop& stop = *path.stop;
    const std::string from = path.source.IsAny() ? "" : path.source.ToString();
    auto [it, inserted] = by_chain.try_emplace({stop.chain, from});
    IptOpening& o = it->second;
    if (inserted || stop.rule_index < o.position - 1) {
      o.stack = stack;
      o.ip_version = ip_version;
      o.chain = stop.chain;
      if (!path.source.IsAny()) o.source = path.source;
      o.position = stop.rule_index + 1;
      o.stop = stop;
    }
    if (std::find(o.ports.begin(), o.ports.end(), path.port) == o.ports.end()) {
      o.ports.push_back(path.port);
      std::sort(o.ports.begin(), o.ports.end());
    }
  }
  return by_chain;
}

}  // namespace

std::string StackName(IptStack stack) {
  return stack == IptStack::kNft ? "iptables-nft" : "iptables-legacy";
}

std::string IptCommand(IptStack stack, int ip_version) {
  const std::string name = StackName(stack);  // "iptables-nft"
  return ip_version == 6 ? "ip6" + name.substr(2) : name;
}

std::string IptSaveCommand(IptStack stack, int ip_version) {
  return IptCommand(stack, ip_version) + "-save";
}

std::string IptStopOwner(const IptRuleset& ruleset, const IptStop& stop) {
  if (IsUfwChain(stop.chain)) return "ufw";
  if (IsDockerChain(stop.chain)) return "docker";
  const IptTable* filter = ruleset.FindTable("filter");
  if (stop.is_policy() && filter &&
      std::any_of(filter->chains.begin(), filter->chains.end(),
                  [](const IptChain& c) { return IsUfwChain(c.name); })) {
    return "ufw";  // ufw sets the built-in chains' policies ("default deny incoming")
  }
  return "";
}

void SimulateIptOpening(IptRuleset& ruleset, const IptOpening& opening, const std::string& run_id) {
  IptTable* filter = ruleset.FindTable("filter");
  IptChain* chain = filter ? filter->FindChain(opening.chain) : nullptr;
  if (!chain) return;
  auto rule = ParseIptRule(IptOpeningLine(opening, run_id));
  if (!rule) return;
  const size_t at = std::min(opening.position - 1, chain->rules.size());
  chain->rules.insert(chain->rules.begin() + static_cast<std::ptrdiff_t>(at), std::move(*rule));
}

IptOpeningPlan PlanIptOpenings(const IptRuleset& ruleset, IptStack stack, int ip_version,
                               const std::vector<int>& ports,
                               const std::vector<std::string>& interfaces,
                               const std::string& run_id, const std::vector<Cidr>& allow_from) {
  IptOpeningPlan plan;
  IptRuleset sim = ruleset;
  auto paths = EvaluateIptInput(sim, ip_version, ports, interfaces, allow_from);
  for (int round = 0; round < kMaxRounds; ++round) {
    auto grouped = GroupStops(paths, stack, ip_version);
    if (grouped.empty()) break;
    for (auto& [key, opening] : grouped) {
      const std::string& name = key.first;
      const std::string owner = IptStopOwner(sim, opening.stop);
      if (!owner.empty()) {
        plan.notes.push_back(IptCommand(stack, ip_version) + " filter " + name + ": left to " +
                             owner + " (its chain or policy)");
      }
      SimulateIptOpening(sim, opening, run_id);
      if (owner.empty()) plan.openings.push_back(std::move(opening));
    }
    paths = EvaluateIptInput(sim, ip_version, ports, interfaces, allow_from);
  }
  for (const auto& path : paths) {
    if (!path.open()) {
      plan.notes.push_back("still stopped after the planned rules: " + IptCommand(stack, ip_version) +
                           " tcp/" + std::to_string(path.port) + " at " + path.stop->chain);
    }
  }
  return plan;
}

std::string IptOpeningLine(const IptOpening& opening, const std::string& run_id) {
  std::string line = "-A " + opening.chain;
  for (const auto& word : RuleSpec(opening, run_id)) line += " " + QuoteSaveWord(word);
  return line;
}

std::vector<std::pair<std::string, size_t>> TemporaryIptRules(const IptRuleset& ruleset) {
  std::vector<std::pair<std::string, size_t>> out;
  const IptTable* filter = ruleset.FindTable("filter");
  for (size_t c = 0; filter && c < filter->chains.size(); ++c) {
    const IptChain& chain = filter->chains[c];
    for (size_t i = 0; i < chain.rules.size(); ++i) {
      if (chain.rules[i].comment.starts_with(kTemporaryCommentPrefix)) out.emplace_back(chain.name, i);
    }
  }
  return out;
}

Argv IptOpeningArgv(const IptOpening& opening, const std::string& run_id) {
  Argv argv{IptCommand(opening.stack, opening.ip_version), "-I", opening.chain,
            std::to_string(opening.position)};
  for (auto& word : RuleSpec(opening, run_id)) argv.push_back(std::move(word));
  return argv;
}

UndoCommand IptOpeningUndo(const IptOpening& opening, const std::string& run_id) {
  UndoCommand undo;
  undo.lookup = Argv{IptSaveCommand(opening.stack, opening.ip_version), "-t", "filter"};
  undo.pattern = EscapeRegex(IptOpeningLine(opening, run_id));
  undo.argv = {IptCommand(opening.stack, opening.ip_version), "-D", opening.chain};
  for (auto& word : RuleSpec(opening, run_id)) undo.argv.push_back(std::move(word));
  return undo;
}

}  // namespace dcv
