// The nftables ruleset as plain data, parsed from `nft -j list ruleset`. Rule bodies stay
// as the JSON expression arrays nft printed (libnftables-json(5)); nft_match.h interprets
// them. Chains own their rules in list order, so an evaluator or a planner can walk or
// copy a chain without indexes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/result.h"

namespace dcv {

/// `table <family> <name>`.
struct NftTable {
  std::string family;  // "ip", "ip6", "inet", "arp", "bridge", "netdev"
  std::string name;
  uint64_t handle = 0;
};

/// The hook part of a base chain: `type filter hook input priority 0; policy drop;`.
struct NftBaseHook {
  std::string type;    // "filter", "nat", "route"
  std::string hook;    // "input", "prerouting", ...
  int priority = 0;    // numeric (nft prints "filter" as 0 in JSON)
  std::string policy;  // "accept" | "drop"
  std::string device;  // netdev/ingress chains only
};

/// One rule: its handle, its comment and its expressions.
struct NftRule {
  uint64_t handle = 0;  // 0 for a rule that exists only in a simulation
  std::string comment;
  nlohmann::json expr = nlohmann::json::array();
};

struct NftChain {
  std::string family;
  std::string table;
  std::string name;
  uint64_t handle = 0;
  std::optional<NftBaseHook> base;  // nullopt: a regular chain, reached by jump/goto
  std::vector<NftRule> rules;       // in evaluation order
};

/// A named set or map (`set web_ports { ... }`, `map m { ... }`).
struct NftSet {
  std::string family;
  std::string table;
  std::string name;
  bool is_map = false;
  nlohmann::json elements = nlohmann::json::array();  // as printed: values, ranges, [key, data]
};

struct NftRuleset {
  std::string nft_version;  // from metainfo, may be empty
  std::vector<NftTable> tables;
  std::vector<NftChain> chains;
  std::vector<NftSet> sets;

  /// The chain `family table name`, or nullptr.
  const NftChain* FindChain(std::string_view family, std::string_view table,
                            std::string_view name) const;
  NftChain* FindChain(std::string_view family, std::string_view table, std::string_view name);
  /// The named set or map, or nullptr.
  const NftSet* FindSet(std::string_view family, std::string_view table,
                        std::string_view name) const;
  /// Total number of rules in all chains.
  size_t RuleCount() const;
};

/// Parses the output of `nft -j list ruleset`. Unknown object kinds (flowtables, counters,
/// ct helpers, ...) are skipped; malformed JSON or a structure that is not nft's is an Error.
Result<NftRuleset> ParseNftJson(std::string_view text);

/// The text of rule `handle` of chain `family table chain` in the output of
/// `nft -a list chain ...` or `nft -a list ruleset`, without its "# handle N"; empty when
/// the listing does not show it.
std::string FindRuleText(std::string_view listing, std::string_view family,
                         std::string_view table, std::string_view chain, uint64_t handle);

/// "inet filter input", the way nft names a chain in commands and messages.
std::string ChainLabel(const NftChain& chain);

}  // namespace dcv
