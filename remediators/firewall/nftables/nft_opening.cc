// Turns stops into openings. Stops are grouped by chain (one accept per chain, placed
// before the earliest stop in it, covering every port stopped there), then inserted into
// a simulated copy of the ruleset, which is evaluated again until it is open or no new
// stop appears. One rule per chain also keeps the undo exact: the comment identifies it.
#include "remediators/firewall/nftables/nft_opening.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace dcv {
namespace {

constexpr int kMaxRounds = 16;

using ChainKey = std::tuple<std::string, std::string, std::string, int>;

void AddSource(std::vector<Cidr>& sources, const Cidr& source) {
  if (!source.IsAny() && std::find(sources.begin(), sources.end(), source) == sources.end()) {
    sources.push_back(source);
  }
}

// Groups this round's stops into one opening per chain (and IP version, for --allow-from).
std::vector<NftOpening> GroupStops(const NftEvaluation& evaluation) {
  std::map<ChainKey, NftOpening> by_chain;
  for (const auto& path : evaluation.paths) {
    if (path.open()) continue;
    const NftStop& stop = *path.stop;
    const int version = path.source.IsAny() ? 0 : path.ip_version;
    auto [it, inserted] = by_chain.try_emplace({stop.family, stop.table, stop.chain, version});
    NftOpening& o = it->second;
    o.ip_version = version;
    AddSource(o.sources, path.source);
    if (inserted || stop.rule_index < o.rule_index) {
      o.family = stop.family;
      o.table = stop.table;
      o.chain = stop.chain;
      o.rule_index = stop.rule_index;
      o.before_handle = stop.handle;
      o.stop = stop;
    }
    if (std::find(o.ports.begin(), o.ports.end(), path.port) == o.ports.end()) {
      o.ports.push_back(path.port);
    }
  }
  std::vector<NftOpening> out;
  for (auto& [key, opening] : by_chain) {
    std::sort(opening.ports.begin(), opening.ports.end());
    out.push_back(std::move(opening));
  }
  return out;
}

// Merges `next` (found in the simulated ruleset) into `all`. A chain opened in an earlier
// round holds our simulated rule at o.rule_index, so later indexes shift back by one; the
// opening moves up when a path is now stopped earlier in that chain.
bool Merge(std::vector<NftOpening>& all, NftOpening next) {
  for (const auto& o : all) {  // our simulated rules sit before next's stop in that chain
    if (o.family == next.family && o.table == next.table && o.chain == next.chain &&
        next.rule_index > o.rule_index) {
      --next.rule_index;
    }
  }
  for (auto& o : all) {
    if (o.family == next.family && o.table == next.table && o.chain == next.chain &&
        o.ip_version == next.ip_version) {
      bool grew = false;
      for (const Cidr& source : next.sources) AddSource(o.sources, source);
      if (next.rule_index < o.rule_index) {
        o.rule_index = next.rule_index;
        o.before_handle = next.before_handle;
        o.stop = next.stop;
        grew = true;
      }
      for (int port : next.ports) {
        if (std::find(o.ports.begin(), o.ports.end(), port) == o.ports.end()) {
          o.ports.push_back(port);
          grew = true;
        }
      }
      std::sort(o.ports.begin(), o.ports.end());
      return grew;
    }
  }
  all.push_back(std::move(next));
  return true;
}

// Applies every opening to a fresh copy of `ruleset`.
NftRuleset Simulate(const NftRuleset& ruleset, const std::vector<NftOpening>& openings) {
  NftRuleset copy = ruleset;
  for (const auto& o : openings) {
    NftChain* chain = copy.FindChain(o.family, o.table, o.chain);
    if (!chain) continue;
    NftRule rule{0, "dcv-agent", OpeningRuleExpr(o)};
    const size_t at = std::min(o.rule_index, chain->rules.size());
    chain->rules.insert(chain->rules.begin() + static_cast<std::ptrdiff_t>(at), std::move(rule));
  }
  return copy;
}

std::string EscapeRegex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

NftOpeningPlan PlanOpenings(const NftRuleset& ruleset, const NftEvaluateOptions& options) {
  NftOpeningPlan plan;
  NftEvaluation evaluation = EvaluateInbound(ruleset, options);
  for (int round = 0; round < kMaxRounds && !evaluation.AllOpen(); ++round) {
    bool progress = false;
    for (auto& opening : GroupStops(evaluation)) progress |= Merge(plan.openings, std::move(opening));
    if (!progress) break;
    evaluation = EvaluateInbound(Simulate(ruleset, plan.openings), options);
  }
  plan.opens_everything = evaluation.AllOpen();
  for (const auto& path : evaluation.paths) {
    if (!path.open()) {
      plan.notes.push_back("still stopped after the planned rules: IPv" +
                           std::to_string(path.ip_version) + " tcp/" +
                           std::to_string(path.port) + " at " + path.stop->Source());
    }
  }
  return plan;
}

std::string OpeningRuleText(const NftOpening& opening, const std::string& run_id) {
  std::string set;
  for (int port : opening.ports) set += (set.empty() ? "" : ", ") + std::to_string(port);
  if (opening.ports.size() > 1) set = "{ " + set + " }";
  std::string from;
  if (!opening.sources.empty()) {
    from = (opening.ip_version == 4 ? "ip" : "ip6") + std::string(" saddr ");
    from += opening.sources.size() > 1 ? "{ " + JoinCidrs(opening.sources) + " } "
                                       : JoinCidrs(opening.sources) + " ";
  }
  return from + "tcp dport " + set + " accept comment \"" +
         OpeningComment(run_id, opening.temporary) + "\"";
}

Argv OpeningArgv(const NftOpening& opening, const std::string& run_id) {
  Argv argv{"nft", opening.before_handle ? "insert" : "add", "rule", opening.family,
            opening.table, opening.chain};
  if (opening.before_handle) {
    argv.push_back("position");
    argv.push_back(std::to_string(*opening.before_handle));
  }
  // nft joins its arguments with spaces and parses the result, so the rule can be one
  // argument; the quotes around the comment are nft syntax, not a shell's.
  argv.push_back(OpeningRuleText(opening, run_id));
  return argv;
}

UndoCommand OpeningUndo(const NftOpening& opening, const std::string& run_id) {
  UndoCommand undo;
  undo.lookup = Argv{"nft", "-a", "list", "chain", opening.family, opening.table, opening.chain};
  undo.pattern = "comment \"" + EscapeRegex(OpeningComment(run_id, opening.temporary)) +
                 "\" # handle ([0-9]+)";
  undo.argv = {"nft", "delete", "rule", opening.family, opening.table, opening.chain,
               "handle", "{1}"};
  return undo;
}

nlohmann::json OpeningRuleExpr(const NftOpening& opening) {
  const auto& ports = opening.ports;
  nlohmann::json right = ports.size() == 1 ? nlohmann::json(ports[0])
                                           : nlohmann::json{{"set", ports}};
  nlohmann::json match{{"op", "=="},
                       {"left", {{"payload", {{"protocol", "tcp"}, {"field", "dport"}}}}},
                       {"right", right}};
  nlohmann::json expr = nlohmann::json::array();
  if (!opening.sources.empty()) {
    nlohmann::json networks = nlohmann::json::array();
    for (const Cidr& cidr : opening.sources) {
      const std::string text = cidr.ToString();
      const size_t slash = text.find('/');
      if (slash == std::string::npos) networks.push_back(text);
      else networks.push_back({{"prefix", {{"addr", text.substr(0, slash)},
                                           {"len", std::stoi(text.substr(slash + 1))}}}});
    }
    const char* protocol = opening.ip_version == 4 ? "ip" : "ip6";
    expr.push_back({{"match", {{"op", "=="},
                               {"left", {{"payload", {{"protocol", protocol}, {"field", "saddr"}}}}},
                               {"right", networks.size() == 1 ? networks[0]
                                                              : nlohmann::json{{"set", networks}}}}}});
  }
  expr.push_back({{"match", match}});
  expr.push_back({{"accept", nullptr}});
  return expr;
}

}  // namespace dcv
