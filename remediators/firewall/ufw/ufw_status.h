// The parser of `ufw status verbose` (and `ufw status numbered`): whether ufw is active,
// its default incoming policy, and its rules in order, each row split into what it matches
// (family, destination, ports, protocol, interface, source) and what it does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

/// A port or an inclusive port range ("80", "8080:8090").
struct UfwPortRange {
  int first = 0;
  int last = 0;
};

/// One row of the rules table, e.g. `80/tcp (v6) on eth0  ALLOW IN  Anywhere (v6)`.
struct UfwRule {
  std::string text;          ///< the row as ufw printed it (spaces collapsed)
  int number = 0;            ///< "[ 3]" in `ufw status numbered`; 0 when not numbered
  int ip_version = 4;        ///< 6 for "(v6)" rows and IPv6 addresses
  std::string action;        ///< "ALLOW" | "DENY" | "REJECT" | "LIMIT"
  std::string direction;     ///< "IN" | "OUT" | "FWD" (IN when ufw printed none)
  std::string destination;   ///< empty for "Anywhere"
  std::vector<UfwPortRange> ports;  ///< empty: any port
  std::string protocol;      ///< "tcp", "udp", ... ; empty: any protocol
  std::string app;           ///< an application profile name ("Nginx Full"); empty if none
                             ///< (with `ports` filled when ufw printed the profile's ports)
  std::string iface;         ///< "on eth0"; empty: every interface
  std::string source;        ///< empty for "Anywhere"
  bool source_port = false;  ///< the From column restricts the source port
  std::string comment;       ///< the rule's comment (after "# "); empty if none

  /// Whether the rule covers tcp/`port` (protocol and port columns only).
  bool CoversTcpPort(int port) const;
  /// The To/From columns name exactly "<port>/tcp" from Anywhere, nothing else (the form
  /// `ufw allow <port>/tcp` creates).
  bool IsPlainTcpPort(int port) const;
};

struct UfwStatus {
  bool active = false;
  std::string default_incoming;  ///< "deny" | "reject" | "allow"; empty when not printed
  std::vector<UfwRule> rules;    ///< in the order ufw printed them
};

/// Parses the output of `ufw status verbose` or `ufw status numbered`.
Result<UfwStatus> ParseUfwStatus(std::string_view text);

/// Parses one table row (without a trailing newline); nullopt when it is not a rule row.
std::optional<UfwRule> ParseUfwRuleRow(std::string_view row);

}  // namespace dcv
