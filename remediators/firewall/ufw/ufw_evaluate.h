// Evaluation of ufw's rules for the CA's packets: would a new inbound TCP connection to
// port P, over IPv4 or IPv6, from an arbitrary outside address, be accepted? ufw's user
// rules are tried in order (first match decides), then the default incoming policy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/core/cidr.h"
#include "remediators/firewall/ufw/ufw_status.h"

namespace dcv {

struct UfwEvaluateOptions {
  std::vector<int> ports{80, 443};
  /// The host's interfaces (loopback is ignored). A rule "on IFACE" covers the CA's
  /// packets only when IFACE is the host's one non-loopback interface.
  std::vector<std::string> interfaces;
  /// `--allow-from`: the senders to evaluate (SourcesFor); empty: any outside address.
  std::vector<Cidr> allow_from;
};

/// What ufw does with one packet class.
struct UfwVerdict {
  int ip_version = 4;
  int port = 80;
  Cidr source;  ///< the senders (/0: any outside address)
  bool open = false;
  /// The rule that decides (index into UfwStatus::rules); nullopt: the default policy.
  std::optional<size_t> rule;
  /// Rules that would admit the port but not from every address (source, interface,
  /// destination or profile restrictions): they explain why an "allow" did not count.
  std::vector<std::string> notes;
};

struct UfwEvaluation {
  std::vector<UfwVerdict> verdicts;  ///< per family (4, 6), port and source, in that order

  /// The verdicts that do not let the packet through.
  std::vector<const UfwVerdict*> Blocked() const;
};

/// Evaluates an active ufw. An inactive ufw decides nothing (no verdicts).
UfwEvaluation EvaluateUfw(const UfwStatus& status, const UfwEvaluateOptions& options);

}  // namespace dcv
