// The nftables remediator ("firewall.nftables"): reads the live ruleset with
// `nft -j list ruleset`, decides whether the CA's connections to tcp/80 and tcp/443 get
// through every base chain, and plans an accept rule in each chain that stops them,
// persisted in /etc/nftables.conf, each with an exact undo. It evaluates every table a
// packet crosses, but reports and plans only stops in native nft chains: chains of
// iptables-nft and firewalld belong to their own remediators (firewall_owner.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/firewall/nftables/nft_evaluate.h"
#include "remediators/firewall/nftables/nft_opening.h"
#include "remediators/firewall/nftables/nft_ruleset.h"
#include "remediators/remediator.h"

namespace dcv {

class NftablesRemediator : public Remediator {
 public:
  /// What the remediator reads from the host besides commands; tests replace these.
  struct Options {
    /// The file nftables.service loads at boot.
    std::string conf_path = "/etc/nftables.conf";
    /// The content of a file, or nullopt when it does not exist or cannot be read.
    std::function<std::optional<std::string>(const std::string& path)> read_file;
    /// The names of the host's network interfaces (this network namespace).
    std::function<std::vector<std::string>()> list_interfaces;
  };

  /// Reads the real /etc/nftables.conf and the real interface list.
  NftablesRemediator();
  explicit NftablesRemediator(Options options);

  std::string_view id() const override { return "firewall.nftables"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  /// The ruleset Detect read.
  const NftRuleset& ruleset() const { return ruleset_; }
  /// The verdicts Detect computed over the whole ruleset (every table a packet crosses).
  const NftEvaluation& evaluation() const { return evaluation_; }
  /// The verdicts for the tables this remediator owns (native nft tables; tables of
  /// iptables-nft and firewalld are assumed opened by their own remediators).
  const NftEvaluation& native_evaluation() const { return native_evaluation_; }
  /// The chains ("family table chain") left to other remediators, with the owner's name.
  const std::map<std::string, std::string>& foreign_chains() const { return foreign_; }

 private:
  /// nft's own text for the rule that stops a packet (from `nft -a list chain`, cached),
  /// falling back to the rule's JSON; empty for a policy.
  std::string RuleText(const Host& host, const NftStop& stop);
  Finding MakeFinding(const Host& host, int ip_version, int port,
                      const std::vector<const NftPathVerdict*>& blocked);
  /// The edit of options_.conf_path that keeps the openings across reboots (nullopt when
  /// nothing can be persisted); `where` gets one line per opening saying how or why not.
  std::optional<EditFile> Persist(const Host& host, const NftOpeningPlan& openings,
                                  std::vector<std::string>& where);

  /// (Re)computes evaluation_ and native_evaluation_ for evaluate_options_.
  void Evaluate();
  /// Re-evaluates when --allow-from differs from what the evaluation used.
  void EvaluateFrom(const std::vector<Cidr>& allow_from);
  /// Deleting rule `index` of `chain` (a temporary opening), undone by re-inserting nft's
  /// own text of it before the next rule that stays.
  Step RemovalStep(const Host& host, const NftChain& chain, size_t index);

  Options options_;
  NftEvaluateOptions evaluate_options_;
  NftRuleset ruleset_;
  NftRuleset native_ruleset_;  // ruleset_ without the chains other remediators own
  NftEvaluation evaluation_;
  NftEvaluation native_evaluation_;
  std::map<std::string, std::string> foreign_;
  std::map<std::string, std::string> listings_;  // "family table chain" -> `nft -a list chain`
};

}  // namespace dcv
