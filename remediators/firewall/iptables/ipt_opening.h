// Planning the accept rules that open the blocked ports in one iptables stack and family:
// one `-I <chain> <position>` right before each stopping rule (or at the end of INPUT
// before a dropping policy), simulated on a copy and evaluated again until the packet
// passes, so a second stop further down is found too. Stops in chains another tool owns
// (ufw's, Docker's) are assumed opened by their owner and never touched.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "agent/core/plan.h"
#include "remediators/firewall/iptables/ipt_evaluate.h"
#include "remediators/firewall/iptables/ipt_ruleset.h"

namespace dcv {

enum class IptStack { kNft, kLegacy };

/// "iptables-nft" | "iptables-legacy": the backend's name in findings.
std::string StackName(IptStack stack);
/// The command for a stack and family: "iptables-nft", "ip6tables-legacy", ...
std::string IptCommand(IptStack stack, int ip_version);
/// Its save command: "iptables-nft-save", "ip6tables-legacy-save", ...
std::string IptSaveCommand(IptStack stack, int ip_version);

/// Why a stop is left alone: "" when it is ours; else the owner ("ufw", "docker").
std::string IptStopOwner(const IptRuleset& ruleset, const IptStop& stop);

struct IptOpening {
  IptStack stack = IptStack::kNft;
  int ip_version = 4;
  std::string chain;
  size_t position = 1;     // 1-based, in the chain as it is when this rule is inserted
  std::vector<int> ports;  // ascending
  IptStop stop;            // the stop it comes before
  std::optional<Cidr> source;  // --allow-from: one opening per network (`-s NETWORK`)
  bool temporary = false;      // --temporary: marked in the comment, never persisted
};

struct IptOpeningPlan {
  std::vector<IptOpening> openings;  // in the order they must be applied
  std::vector<std::string> notes;    // stops left to their owners, or not opened
};

/// Plans the openings for `ruleset` (empty when nothing is blocked).
IptOpeningPlan PlanIptOpenings(const IptRuleset& ruleset, IptStack stack, int ip_version,
                               const std::vector<int>& ports,
                               const std::vector<std::string>& interfaces,
                               const std::string& run_id,
                               const std::vector<Cidr>& allow_from = {});

/// "-A <chain> [-s NET ]-p tcp -m multiport --dports 80,443 -m comment --comment
/// "dcv-agent <id>" -j ACCEPT", as iptables-save prints it.
std::string IptOpeningLine(const IptOpening& opening, const std::string& run_id);

/// The rules of temporary openings (any run) in filter, as (chain, 0-based index).
std::vector<std::pair<std::string, size_t>> TemporaryIptRules(const IptRuleset& ruleset);

/// `<cmd> -I <chain> <position> -p tcp -m multiport --dports ... -j ACCEPT`.
Argv IptOpeningArgv(const IptOpening& opening, const std::string& run_id);

/// The same rule with -D, run only when the stack's save output still shows the comment.
UndoCommand IptOpeningUndo(const IptOpening& opening, const std::string& run_id);

/// Inserts `opening`'s rule into a copy of `ruleset` at its position.
void SimulateIptOpening(IptRuleset& ruleset, const IptOpening& opening, const std::string& run_id);

}  // namespace dcv
