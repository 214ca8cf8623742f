// The iptables remediator ("firewall.iptables"): reads both iptables stacks —
// iptables-nft (`iptables-nft-save`, `ip6tables-nft-save`) and iptables-legacy (only when
// /proc/net/ip_tables_names or ip6_tables_names lists tables; legacy rules are invisible
// to nft) — decides per stack and family whether the CA's SYN to tcp/80 and tcp/443
// passes filter/INPUT (it must pass both stacks), and plans `-I` accept rules before each
// stop, persisted in rules.v4/rules.v6, each undone by the same rule with -D. Stops in
// ufw's or Docker's chains are left to their owners (no finding, no plan).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/firewall/iptables/ipt_evaluate.h"
#include "remediators/firewall/iptables/ipt_opening.h"
#include "remediators/firewall/iptables/ipt_ruleset.h"
#include "remediators/remediator.h"

namespace dcv {

class IptablesRemediator : public Remediator {
 public:
  /// What the remediator reads from the host besides commands; tests replace these.
  struct Options {
    /// The content of a file (/proc/net/ip_tables_names, rules.v4), or nullopt.
    std::function<std::optional<std::string>(const std::string& path)> read_file;
    /// Whether a path exists (/usr/sbin/netfilter-persistent).
    std::function<bool(const std::string& path)> file_exists;
    /// The host's network interface names.
    std::function<std::vector<std::string>()> list_interfaces;
    /// The stack plain `iptables`/`iptables-restore` use (the alternatives link): the
    /// boot-time restore loads the persistence files into it.
    std::function<IptStack()> default_stack;
  };

  /// One stack and family as Detect read it.
  struct View {
    IptStack stack = IptStack::kNft;
    int ip_version = 4;
    std::string save_text;  // the save command's output
    IptRuleset ruleset;
    std::vector<IptPathVerdict> paths;
  };

  /// Reads the real files, interfaces and alternatives.
  IptablesRemediator();
  explicit IptablesRemediator(Options options);

  std::string_view id() const override { return "firewall.iptables"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  /// The stacks and families Detect found in use.
  const std::vector<View>& views() const { return views_; }
  /// True when every view lets every port through (stops left to ufw/Docker count as open).
  bool AllOpen() const;

 private:
  Result<void> ReadStack(const Host& host, IptStack stack, int ip_version);
  Finding MakeFinding(const View& view, const IptPathVerdict& path) const;
  /// The persistence step for one family (nullopt when nothing is planned for it).
  std::optional<Step> Persist(const Host& host, int ip_version,
                              const std::vector<std::pair<const View*, IptOpeningPlan>>& plans,
                              std::vector<std::string>& where);

  /// Re-evaluates every view when --allow-from differs from what the paths were built for.
  void EvaluateFrom(const std::vector<Cidr>& allow_from);

  Options options_;
  std::vector<Cidr> allow_from_;
  std::vector<int> ports_{80, 443};
  std::vector<std::string> interfaces_;
  std::vector<View> views_;
};

}  // namespace dcv
