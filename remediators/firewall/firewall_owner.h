// Which remediator owns a firewall table, so that two remediators never fix the same
// stop. Every remediator still evaluates everything a packet crosses (it must pass all),
// but reports and plans only stops in what it owns:
//   - nft chains that iptables-nft lists (`table ip filter` chain INPUT, ...) or whose rules
//     hold xt expressions belong to firewall.iptables;
//   - `table inet|ip|ip6 firewalld` belongs to firewalld;
//   - iptables chains named ufw-* / ufw6-* (and, in a table that has them, the built-in
//     chains' policies, which ufw sets) belong to ufw;
//   - everything else in nft is native nftables.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "platform/process.h"
#include "remediators/firewall/nftables/nft_ruleset.h"

namespace dcv {

enum class FirewallOwner { kNftables, kIptablesNft, kFirewalld, kUfw };

/// "nftables", "iptables-nft", "firewalld", "ufw".
std::string_view OwnerName(FirewallOwner owner);

/// The nft chains iptables-nft lists, as "ip filter INPUT" / "ip6 filter web-in", from the
/// `*table` and `:CHAIN` lines of `iptables-nft-save` and `ip6tables-nft-save` output.
/// Tables it calls incompatible are not listed; it lists INPUT/FORWARD/OUTPUT even where
/// only a native chain `input` exists ("contains incompatible base-chains"), so a chain is
/// iptables-nft's only if nft has a chain of that exact name. Empty without iptables-nft.
std::set<std::string> IptablesNftChains(std::string_view v4_save, std::string_view v6_save);

/// Runs both save commands through `runner` and calls the function above.
std::set<std::string> IptablesNftChains(ProcessRunner& runner);

/// Who owns `chain` of `ruleset`; `iptables_nft_chains` from IptablesNftChains().
FirewallOwner OwnerOfNftChain(const NftChain& chain, const std::set<std::string>& iptables_nft_chains);

/// Who owns `table`: firewalld's tables by name; iptables-nft when it owns any of the
/// table's chains; else nftables.
FirewallOwner OwnerOfNftTable(const NftTable& table, const NftRuleset& ruleset,
                              const std::set<std::string>& iptables_nft_chains);

/// ufw's iptables chains: "ufw-user-input", "ufw6-before-input", ...
bool IsUfwChain(std::string_view chain);

/// Docker's iptables chains (DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-1, ...): never touched.
bool IsDockerChain(std::string_view chain);

}  // namespace dcv
