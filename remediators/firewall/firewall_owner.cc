// The ownership rule shared by the firewall remediators (see firewall_owner.h). Deciding
// iptables-nft ownership by asking iptables-nft itself (its save output) rather than by
// table names alone keeps a native `table ip filter` written with nft in nftables' hands
// when iptables-nft is not installed or cannot read it; and deciding per chain keeps a
// native `chain input` there nftables' even though iptables-nft-save lists the table
// (with empty INPUT/FORWARD/OUTPUT and "contains incompatible base-chains").
#include "remediators/firewall/firewall_owner.h"

namespace dcv {
namespace {

void AddSaveChains(std::string_view save, const std::string& family, std::set<std::string>& out) {
  std::string table;
  for (size_t pos = 0; pos < save.size();) {
    size_t end = save.find('\n', pos);
    if (end == std::string_view::npos) end = save.size();
    const std::string_view line = save.substr(pos, end - pos);
    if (line.size() > 1 && line[0] == '*') table = std::string(line.substr(1));
    if (line.size() > 1 && line[0] == ':' && !table.empty()) {
      const std::string_view name = line.substr(1, line.find(' ') - 1);
      out.insert(family + " " + table + " " + std::string(name));
    }
    pos = end + 1;
  }
}

bool HasXtExpression(const nlohmann::json& j) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == "xt" || HasXtExpression(value)) return true;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (HasXtExpression(v)) return true;
    }
  }
  return false;
}

}  // namespace

std::string_view OwnerName(FirewallOwner owner) {
  switch (owner) {
    case FirewallOwner::kIptablesNft: return "iptables-nft";
    case FirewallOwner::kFirewalld: return "firewalld";
    case FirewallOwner::kUfw: return "ufw";
    default: return "nftables";
  }
}

std::set<std::string> IptablesNftChains(std::string_view v4_save, std::string_view v6_save) {
  std::set<std::string> out;
  AddSaveChains(v4_save, "ip", out);
  AddSaveChains(v6_save, "ip6", out);
  return out;
}

std::set<std::string> IptablesNftChains(ProcessRunner& runner) {
  const ProcessResult v4 = runner.Run({"iptables-nft-save"});
  const ProcessResult v6 = runner.Run({"ip6tables-nft-save"});
  return IptablesNftChains(v4.ok() ? v4.out : "", v6.ok() ? v6.out : "");
}

FirewallOwner OwnerOfNftChain(const NftChain& chain, const std::set<std::string>& iptables_nft_chains) {
  if (chain.table == "firewalld") return FirewallOwner::kFirewalld;
  if (chain.family != "ip" && chain.family != "ip6") return FirewallOwner::kNftables;
  if (iptables_nft_chains.count(chain.family + " " + chain.table + " " + chain.name)) {
    return FirewallOwner::kIptablesNft;
  }
  for (const auto& rule : chain.rules) {
    if (HasXtExpression(rule.expr)) return FirewallOwner::kIptablesNft;
  }
  return FirewallOwner::kNftables;
}

FirewallOwner OwnerOfNftTable(const NftTable& table, const NftRuleset& ruleset,
                              const std::set<std::string>& iptables_nft_chains) {
  if (table.name == "firewalld") return FirewallOwner::kFirewalld;
  for (const auto& chain : ruleset.chains) {
    if (chain.family == table.family && chain.table == table.name &&
        OwnerOfNftChain(chain, iptables_nft_chains) == FirewallOwner::kIptablesNft) {
      return FirewallOwner::kIptablesNft;
    }
  }
  return FirewallOwner::kNftables;
}

bool IsUfwChain(std::string_view chain) {
  return chain.substr(0, 4) == "ufw-" || chain.substr(0, 5) == "ufw6-";
}

bool IsDockerChain(std::string_view chain) { return chain.substr(0, 6) == "DOCKER"; }

}  // namespace dcv
