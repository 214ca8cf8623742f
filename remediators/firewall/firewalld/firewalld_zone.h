// The parser of firewall-cmd's zone listings (`--zone=Z --list-all`, `--list-all-zones`,
// `--get-active-zones`) and the evaluation of one zone for the CA's packets: would a new
// inbound TCP connection to port P, over IPv4 or IPv6, from any address, be accepted?
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/cidr.h"

namespace dcv {

/// A port or port range with its protocol ("80/tcp", "440-450/tcp").
struct FirewalldPort {
  int first = 0;
  int last = 0;
  std::string protocol;
};

/// One rich rule, e.g. `rule family="ipv4" source address="10.0.0.0/8" service name="http" accept`.
struct FirewalldRichRule {
  std::string text;
  std::string family;        ///< "ipv4" | "ipv6" | "" (both)
  bool restricted = false;   ///< source or destination given: not every sender/address
  std::string source;        ///< `source address="X"` (not inverted); empty if none
  bool source_only = false;  ///< restricted by that source address and nothing else
  std::string service;       ///< `service name="X"`
  std::optional<FirewalldPort> port;  ///< `port port="P" protocol="tcp"`
  std::string action;        ///< "accept" | "reject" | "drop" | "" (log/audit/mark only)
};

struct FirewalldZone {
  std::string name;
  bool active = false;           ///< "(active)" after the name
  std::string target;            ///< "default" | "ACCEPT" | "DROP" | "%%REJECT%%"
  std::vector<std::string> interfaces;
  std::vector<std::string> sources;
  std::vector<std::string> services;
  std::vector<FirewalldPort> ports;
  std::vector<std::string> protocols;
  std::vector<FirewalldRichRule> rich_rules;

  bool HasService(std::string_view service) const;
};

/// Parses `--list-all` (one zone) or `--list-all-zones` (zones separated by blank lines).
std::vector<FirewalldZone> ParseFirewalldZones(std::string_view text);

/// Parses `--get-active-zones`: zone -> its interfaces (zones bound only to sources are
/// listed with no interfaces). Empty output (no NetworkManager) gives an empty map.
std::map<std::string, std::vector<std::string>> ParseActiveZones(std::string_view text);

/// Parses one rich rule's text.
FirewalldRichRule ParseRichRule(std::string_view text);

/// The port a well-known service opens for the CA ("http" 80, "https" 443), or 0.
int ServicePort(std::string_view service);
/// The service that opens `port` ("http", "https"), or "".
std::string PortService(int port);

/// What a zone does with a new TCP connection to `port` over IPv`ip_version`.
struct FirewalldVerdict {
  bool open = false;
  std::string by;  ///< what decides: "service http", "port 80/tcp", "rich rule `...`", "target default"
  bool by_rich_deny = false;  ///< a reject/drop rich rule decides (adding a service does not help)
  std::vector<std::string> notes;  ///< allows that do not cover every sender
};

/// `source`: the senders (--allow-from); "any" stands for an arbitrary outside address.
FirewalldVerdict EvaluateZone(const FirewalldZone& zone, int ip_version, int port,
                              const Cidr& source = Cidr::Any(4));

/// `rule family="ipv4" source address="203.0.113.0/24" service name="http" accept`.
std::string SourceRichRule(const Cidr& source, const std::string& service);

}  // namespace dcv
