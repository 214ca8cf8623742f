// What one nftables rule does to one abstract packet: the new inbound TCP SYN a CA sends
// from an arbitrary outside address to a local port. Matches are three-valued: a rule may
// certainly match, certainly not match, or match only some packets of the class (an
// unknown expression, a rate limit, a source allow-list). Callers decide how to be
// conservative with kMaybe; this file only says what it knows and why it does not.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/core/cidr.h"

#include "remediators/firewall/nftables/nft_ruleset.h"

namespace dcv {

enum class Tri { kNo, kMaybe, kYes };

/// The packet class being evaluated.
struct NftPacket {
  int ip_version = 4;  // 4 or 6
  int dport = 80;
  std::string iface;   // the non-loopback input interface; empty: unknown interface
  Cidr source = Cidr::Any(4);  // the sender's network (RelateSource: "any" is the CA)
};

/// What a rule ends with. kNone: no verdict (falls through to the next rule).
enum class NftVerdictKind { kNone, kAccept, kDrop, kReject, kQueue, kContinue, kReturn,
                            kJump, kGoto };

struct NftVerdict {
  NftVerdictKind kind = NftVerdictKind::kNone;
  std::string target;  // jump/goto chain
  std::string text;    // "drop", "reject with icmpx admin-prohibited", "jump web", ...
};

/// The effect of one rule on one packet.
struct NftRuleEffect {
  Tri applies = Tri::kNo;  // does the packet reach the rule's verdict?
  NftVerdict verdict;
  std::string doubt;       // for kMaybe: the expression that could not be decided
};

/// Evaluates `rule` (of a chain in `family`/`table`, whose named sets are looked up in
/// `ruleset`) for `packet`.
NftRuleEffect EvaluateRule(const NftRule& rule, const NftChain& chain,
                           const NftRuleset& ruleset, const NftPacket& packet);

/// Parses a verdict statement ({"accept": null}, {"jump": {"target": "x"}}, ...);
/// nullopt when `stmt` is not a verdict.
std::optional<NftVerdict> ParseVerdict(const nlohmann::json& stmt);

}  // namespace dcv
