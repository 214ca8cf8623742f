// Planning the smallest set of accept rules that opens the blocked ports: one rule per
// chain that stops the packet, inserted right before the stopping rule (or appended
// before a dropping policy). The planner simulates each insertion on a copy of the
// ruleset and evaluates again, so a second dropping base chain further down the hook is
// found and opened too, and the plan is verified by the same evaluator that found it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "agent/core/plan.h"
#include "remediators/firewall/opening_mark.h"
#include "remediators/firewall/nftables/nft_evaluate.h"
#include "remediators/firewall/nftables/nft_ruleset.h"

namespace dcv {

/// One accept rule to add.
struct NftOpening {
  std::string family;  // of the chain: "inet" covers IPv4 and IPv6, "ip"/"ip6" one each
  std::string table;
  std::string chain;
  std::optional<uint64_t> before_handle;  // nullopt: append (the chain's policy stops)
  size_t rule_index = 0;                  // the stopping rule's position (rules.size(): policy)
  std::vector<int> ports;                 // the ports blocked here, ascending
  NftStop stop;                           // the first stop that led here (for messages)
  /// With `--allow-from`, one opening per chain and IP version: `ip saddr { sources }` or
  /// `ip6 saddr { ... }`. 0 and no sources: any sender.
  int ip_version = 0;
  std::vector<Cidr> sources;
  /// `--temporary`: marked "dcv-agent temporary <run>", never persisted; cleanup removes it.
  bool temporary = false;
};

struct NftOpeningPlan {
  std::vector<NftOpening> openings;
  /// True when the simulated ruleset with all openings evaluates as open.
  bool opens_everything = true;
  std::vector<std::string> notes;  // why something could not be opened
};

/// Plans the openings for every blocked path of `ruleset` (empty when nothing is blocked).
NftOpeningPlan PlanOpenings(const NftRuleset& ruleset, const NftEvaluateOptions& options);

/// The rule body: `[ip saddr { 10.0.0.0/8 } ]tcp dport { 80, 443 } accept comment
/// "dcv-agent <run_id>"` (`tcp dport 80 ...` for one port).
std::string OpeningRuleText(const NftOpening& opening, const std::string& run_id);

/// `nft insert rule <family> <table> <chain> position <handle> <rule>` or, before a
/// policy, `nft add rule <family> <table> <chain> <rule>`.
Argv OpeningArgv(const NftOpening& opening, const std::string& run_id);

/// Looks the rule up by its comment in `nft -a list chain ...` and deletes it by handle.
UndoCommand OpeningUndo(const NftOpening& opening, const std::string& run_id);

/// The rule as nft JSON expressions (what `nft -j` would list for OpeningRuleText).
nlohmann::json OpeningRuleExpr(const NftOpening& opening);

}  // namespace dcv
