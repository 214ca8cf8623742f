// Would the CA's connection get through nftables? For each address family, port and
// input interface, a new inbound TCP SYN from an arbitrary outside address must be
// accepted by EVERY base chain on the prerouting and input hooks (ip, ip6 and inet
// tables, in priority order): an accept in one base chain does not override a drop in
// another. The result names the rule (or policy) that stops the packet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/cidr.h"
#include "remediators/firewall/nftables/nft_ruleset.h"

namespace dcv {

struct NftEvaluateOptions {
  std::vector<int> ports{80, 443};
  /// The host's interface names; "lo" is ignored (the CA never arrives on it). Empty:
  /// one unknown interface, on which interface matches other than lo are undecidable.
  std::vector<std::string> interfaces;
  /// `--allow-from`: evaluate connections from these networks only (SourcesFor).
  std::vector<Cidr> allow_from;
};

/// Where a packet is stopped.
struct NftStop {
  std::string family;  // the chain's: "inet", "ip", "ip6"
  std::string table;
  std::string chain;            // the chain holding the stopping rule (or policy)
  std::string base_chain;       // the base chain whose evaluation led there
  std::vector<std::string> via; // chain names from the base chain down to `chain`
  std::optional<uint64_t> handle;  // nullopt: the base chain's policy
  size_t rule_index = 0;        // position in chain.rules; rules.size() for the policy
  std::string verdict;          // "drop", "reject with icmpx admin-prohibited", "policy drop"
  bool certain = true;          // false: the rule may stop only some such packets
  std::string doubt;            // why it is not certain

  /// "nft inet filter input handle 4" / "nft inet filter input policy drop".
  std::string Source() const;
  bool SameRule(const NftStop& other) const;
};

/// The verdict for one packet class.
struct NftPathVerdict {
  int ip_version = 4;
  int port = 80;
  std::string iface;              // empty: an unknown interface
  Cidr source;                    // the senders' network (/0: any outside address)
  std::optional<NftStop> stop;    // nullopt: accepted by every base chain
  std::vector<std::string> notes; // rules that might have accepted but were not relied on
  bool open() const { return !stop.has_value(); }
};

struct NftEvaluation {
  std::vector<NftPathVerdict> paths;  // ip_version x port x interface x source

  /// True when every interface path for (ip_version, port) is accepted.
  bool Open(int ip_version, int port) const;
  /// The paths for (ip_version, port) that are stopped.
  std::vector<const NftPathVerdict*> Blocked(int ip_version, int port) const;
  /// True when no path is stopped.
  bool AllOpen() const;
};

/// Evaluates the inbound packet classes against `ruleset`.
NftEvaluation EvaluateInbound(const NftRuleset& ruleset, const NftEvaluateOptions& options);

}  // namespace dcv
