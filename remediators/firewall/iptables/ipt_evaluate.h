// Would the CA's connection get through one iptables stack? For each port and input
// interface, a new inbound TCP SYN from an arbitrary outside address walks the filter
// table's INPUT chain: rule by rule, jumps, gotos and RETURNs, ending in a verdict or the
// policy. Matches are three-valued (nft_match.h's Tri): a rule that matches only some
// such packets is never relied on to accept, but may stop them (an uncertain stop).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/cidr.h"
#include "remediators/firewall/iptables/ipt_ruleset.h"
#include "remediators/firewall/nftables/nft_match.h"

namespace dcv {

/// The packet class.
struct IptPacket {
  int ip_version = 4;
  int dport = 80;
  std::string iface;  // non-loopback input interface; empty: unknown
  Cidr source = Cidr::Any(4);  // the senders (any: an arbitrary outside address)
};

/// Where the packet stops.
struct IptStop {
  std::string chain;               // the chain holding the rule (or INPUT for its policy)
  std::vector<std::string> via;    // INPUT -> ... -> chain
  size_t rule_index = 0;           // 0-based; chain.rules.size() for the policy
  std::string rule_text;           // the save line; "" for the policy
  std::string verdict;             // "DROP", "REJECT --reject-with tcp-reset", "policy DROP"
  bool certain = true;
  std::string doubt;
  bool is_policy() const { return rule_text.empty(); }
};

struct IptPathVerdict {
  int ip_version = 4;
  int port = 80;
  std::string iface;
  Cidr source;                     // the senders' network (/0: any outside address)
  std::optional<IptStop> stop;     // nullopt: accepted
  std::vector<std::string> notes;  // rules that might have accepted, not relied on
  bool open() const { return !stop.has_value(); }
};

/// Does `rule` match `packet`? `doubt` gets the option that could not be decided.
Tri MatchIptRule(const IptRule& rule, const IptPacket& packet, std::string& doubt);

/// Evaluates filter/INPUT of `ruleset` (one stack, one family) for each port, interface
/// ("lo" ignored; no interface: one unknown interface) and source (SourcesFor(allow_from)).
std::vector<IptPathVerdict> EvaluateIptInput(const IptRuleset& ruleset, int ip_version,
                                             const std::vector<int>& ports,
                                             const std::vector<std::string>& interfaces,
                                             const std::vector<Cidr>& allow_from = {});

}  // namespace dcv
