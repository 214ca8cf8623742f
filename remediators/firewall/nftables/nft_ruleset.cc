// Parsing of `nft -j list ruleset` into NftRuleset. The JSON is a flat array of objects
// ({"table": ...}, {"chain": ...}, {"rule": ...}, {"set": ...}); chains come before their
// rules. We keep only what evaluation and planning need, skip object kinds we do not use,
// and turn anything malformed into an Error rather than an exception: the input comes
// from another program and may be truncated or from a future nft.
#include "remediators/firewall/nftables/nft_ruleset.h"

#include <map>
#include <regex>
#include <tuple>

namespace dcv {
namespace {

using nlohmann::json;
using ChainKey = std::tuple<std::string, std::string, std::string>;

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t HandleField(const json& obj) {
  auto it = obj.find("handle");
  return it != obj.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

Result<NftChain> ParseChain(const json& obj) {
  NftChain chain;
  chain.family = StringField(obj, "family");
  chain.table = StringField(obj, "table");
  chain.name = StringField(obj, "name");
  chain.handle = HandleField(obj);
  if (chain.family.empty() || chain.table.empty() || chain.name.empty()) {
    return MakeError("nft JSON: chain without family, table or name: " + obj.dump());
  }
  if (obj.contains("hook")) {
    NftBaseHook base;
    base.type = StringField(obj, "type");
    base.hook = StringField(obj, "hook");
    base.policy = StringField(obj, "policy");
    if (base.policy.empty()) base.policy = "accept";  // the kernel's default
    base.device = StringField(obj, "dev");
    auto prio = obj.find("prio");
    if (prio != obj.end() && prio->is_number_integer()) base.priority = prio->get<int>();
    chain.base = std::move(base);
  }
  return chain;
}

Result<NftRule> ParseRule(json& obj) {
  NftRule rule;
  rule.handle = HandleField(obj);
  rule.comment = StringField(obj, "comment");
  auto expr = obj.find("expr");
  if (expr == obj.end() || !expr->is_array()) {
    return MakeError("nft JSON: rule without an expr array: " + obj.dump());
  }
  rule.expr = std::move(*expr);
  return rule;
}

NftSet ParseSet(json& obj, bool is_map) {
  NftSet set;
  set.family = StringField(obj, "family");
  set.table = StringField(obj, "table");
  set.name = StringField(obj, "name");
  set.is_map = is_map;
  auto elem = obj.find("elem");
  if (elem != obj.end() && elem->is_array()) set.elements = std::move(*elem);
  return set;
}

// Adds one top-level object to `out` (moving rule bodies out of `item`); `index` maps
// chain keys to positions in out.chains.
Result<void> AddObject(json& item, NftRuleset& out, std::map<ChainKey, size_t>& index) {
  if (!item.is_object() || item.size() != 1) {
    return MakeError("nft JSON: expected one-key objects in the nftables array");
  }
  const std::string& kind = item.begin().key();
  json& obj = item.begin().value();
  if (!obj.is_object()) return {};  // e.g. {"metainfo": ...} variants we do not need
  if (kind == "metainfo") {
    out.nft_version = StringField(obj, "version");
  } else if (kind == "table") {
    out.tables.push_back({StringField(obj, "family"), StringField(obj, "name"), HandleField(obj)});
  } else if (kind == "chain") {
    auto chain = ParseChain(obj);
    if (!chain) return chain.error();
    index[{chain->family, chain->table, chain->name}] = out.chains.size();
    out.chains.push_back(std::move(*chain));
  } else if (kind == "rule") {
    auto rule = ParseRule(obj);
    if (!rule) return rule.error();
    ChainKey key{StringField(obj, "family"), StringField(obj, "table"), StringField(obj, "chain")};
    auto it = index.find(key);
    if (it == index.end()) {
      return MakeError("nft JSON: rule for a chain that was not listed: " + obj.dump());
    }
    out.chains[it->second].rules.push_back(std::move(*rule));
  } else if (kind == "set" || kind == "map") {
    out.sets.push_back(ParseSet(obj, kind == "map"));
  }
  return {};
}

}  // namespace

const NftChain* NftRuleset::FindChain(std::string_view family, std::string_view table,
                                      std::string_view name) const {
  for (const auto& chain : chains) {
    if (chain.family == family && chain.table == table && chain.name == name) return &chain;
  }
  return nullptr;
}

NftChain* NftRuleset::FindChain(std::string_view family, std::string_view table,
                                std::string_view name) {
  const auto* self = this;
  return const_cast<NftChain*>(self->FindChain(family, table, name));
}

const NftSet* NftRuleset::FindSet(std::string_view family, std::string_view table,
                                  std::string_view name) const {
  for (const auto& set : sets) {
    if (set.family == family && set.table == table && set.name == name) return &set;
  }
  return nullptr;
}

size_t NftRuleset::RuleCount() const {
  size_t n = 0;
  for (const auto& chain : chains) n += chain.rules.size();
  return n;
}

Result<NftRuleset> ParseNftJson(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return MakeError("nft JSON: not valid JSON");
  auto items = doc.is_object() ? doc.find("nftables") : doc.end();
  if (items == doc.end() || !items->is_array()) {
    return MakeError("nft JSON: no top-level \"nftables\" array");
  }
  NftRuleset out;
  std::map<ChainKey, size_t> index;
  for (auto& item : *items) {
    auto added = AddObject(item, out, index);
    if (!added) return added.error();
  }
  return out;
}

std::string FindRuleText(std::string_view listing, std::string_view family,
                         std::string_view table, std::string_view chain, uint64_t handle) {
  static const std::regex kTable(R"re(^table (\S+) "?([^"\s]+)"? \{)re");
  static const std::regex kChain(R"re(^\s*chain "?([^"\s]+)"? \{)re");
  const std::string suffix = " # handle " + std::to_string(handle);
  bool in_table = false, in_chain = false;
  size_t start = 0;
  while (start < listing.size()) {
    size_t end = listing.find('\n', start);
    if (end == std::string_view::npos) end = listing.size();
    const std::string line(listing.substr(start, end - start));
    start = end + 1;
    std::smatch m;
    if (std::regex_search(line, m, kTable)) {
      in_table = m.str(1) == family && m.str(2) == table;
      in_chain = false;
    } else if (std::regex_search(line, m, kChain)) {
      in_chain = in_table && m.str(1) == chain;
    } else if (in_chain && line.ends_with(suffix)) {
      const size_t first = line.find_first_not_of(" \t");
      return line.substr(first, line.size() - suffix.size() - first);
    }
  }
  return "";
}

std::string ChainLabel(const NftChain& chain) {
  return chain.family + " " + chain.table + " " + chain.name;
}

}  // namespace dcv
