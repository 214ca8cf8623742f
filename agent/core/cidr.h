// Cidr: an IPv4 or IPv6 network as `--allow-from` gives it and as firewall rules match
// sources. The firewall evaluators ask one question of it: is every address of the
// packet's source network inside the rule's network, none of them, or only some?
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

struct Cidr {
  int ip_version = 4;                 // 4 or 6
  std::array<uint8_t, 16> bytes{};    // network address; IPv4 uses the first 4 bytes
  int prefix = 0;                     // 0..32 or 0..128

  /// 0.0.0.0/0 or ::/0: "an arbitrary outside address".
  static Cidr Any(int ip_version);
  bool IsAny() const { return prefix == 0; }
  /// "203.0.113.0/24", "2001:db8::/32"; a host network prints without the prefix.
  std::string ToString() const;
  bool operator==(const Cidr&) const = default;
};

/// Parses "ADDR" (a host) or "ADDR/LEN". Host bits set after the prefix are an error that
/// names the network meant ("203.0.113.7/24: host bits set; did you mean 203.0.113.0/24?").
Result<Cidr> ParseCidr(std::string_view text);

enum class CidrRelation { kInside, kDisjoint, kPartial };

/// How the addresses of `packet` relate to `rule`: all inside it, none, or some. Networks
/// of different IP versions are disjoint.
CidrRelation Relate(const Cidr& packet, const Cidr& rule);

/// Relate() for a packet's source against a rule's source match, where the packet's
/// "any" source (no --allow-from) stands for the CA: an outside address that no rule names
/// specifically, so it is inside only a /0 and outside every narrower network.
CidrRelation RelateSource(const Cidr& packet, const Cidr& rule);

/// The source networks a CA connection of `ip_version` is evaluated from: the networks of
/// `allow_from` of that version, or the whole address space when `allow_from` is empty.
/// Empty when `allow_from` names only networks of the other version.
std::vector<Cidr> SourcesFor(const std::vector<Cidr>& allow_from, int ip_version);

/// "10.0.0.0/8, 2001:db8::/32".
std::string JoinCidrs(const std::vector<Cidr>& cidrs);

}  // namespace dcv
