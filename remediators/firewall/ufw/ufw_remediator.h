// The ufw remediator ("firewall.ufw"): reads `ufw status verbose` (the live state of this
// network namespace), decides whether the CA's connections to tcp/80 and tcp/443 get
// through ufw's rules and default policy, and plans `ufw allow <port>/tcp` for each port
// that does not (both families at once; ufw persists it in /etc/ufw/user*.rules itself).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/firewall/ufw/ufw_evaluate.h"
#include "remediators/firewall/ufw/ufw_status.h"
#include "remediators/remediator.h"

namespace dcv {

class UfwRemediator : public Remediator {
 public:
  /// What the remediator reads from the host besides commands; tests replace these.
  struct Options {
    /// ufw's defaults file (its IPV6= setting says whether ufw filters IPv6 at all).
    std::string defaults_path = "/etc/default/ufw";
    /// The content of a file, or nullopt when it does not exist or cannot be read.
    std::function<std::optional<std::string>(const std::string& path)> read_file;
    /// The names of the host's network interfaces (this network namespace).
    std::function<std::vector<std::string>()> list_interfaces;
  };

  /// Reads the real /etc/default/ufw and the real interface list.
  UfwRemediator();
  explicit UfwRemediator(Options options);

  std::string_view id() const override { return "firewall.ufw"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  /// The status Detect read.
  const UfwStatus& status() const { return status_; }
  /// The verdicts Detect computed.
  const UfwEvaluation& evaluation() const { return evaluation_; }

 private:
  Finding MakeFinding(const UfwVerdict& verdict) const;
  /// The step that opens `port` to `source` (its argv depends on the rules in the way).
  Step OpeningStep(int port, const Cidr& source, const Target& target, const Host& host) const;
  /// (Re)computes evaluation_ for evaluate_options_.
  void Evaluate();
  /// Re-evaluates when --allow-from differs from what the evaluation used.
  void EvaluateFrom(const std::vector<Cidr>& allow_from);

  Options options_;
  bool ipv6_managed_ = true;
  UfwEvaluateOptions evaluate_options_;
  UfwStatus status_;
  UfwEvaluation evaluation_;
};

}  // namespace dcv
