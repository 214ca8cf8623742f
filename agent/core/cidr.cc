// Parsing and comparing networks for `--allow-from` and for the firewall evaluators'
// source matches. inet_pton does the address syntax; the prefix is checked here, and a
// network written with host bits set is refused rather than silently masked, because
// the user most likely meant something else than what iptables would make of it.
#include "agent/core/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace dcv {
namespace {

int MaxPrefix(int ip_version) { return ip_version == 4 ? 32 : 128; }

// Whether the first `prefix` bits of a and b agree.
bool SamePrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int prefix) {
  int full = prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (a[i] != b[i]) return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

Cidr Masked(Cidr cidr) {
  for (int bit = cidr.prefix; bit < MaxPrefix(cidr.ip_version); ++bit) {
    cidr.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  return cidr;
}

}  // namespace

Cidr Cidr::Any(int ip_version) {
  Cidr any;
  any.ip_version = ip_version;
  return any;
}

std::string Cidr::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip_version == 4 ? AF_INET : AF_INET6, bytes.data(), text, sizeof text);
  if (prefix == MaxPrefix(ip_version)) return text;
  return std::string(text) + "/" + std::to_string(prefix);
}

Result<Cidr> ParseCidr(std::string_view text) {
  const std::string input(text);
  const size_t slash = input.find('/');
  const std::string address = input.substr(0, slash);
  Cidr cidr;
  if (inet_pton(AF_INET, address.c_str(), cidr.bytes.data()) == 1) {
    cidr.ip_version = 4;
  } else if (inet_pton(AF_INET6, address.c_str(), cidr.bytes.data()) == 1) {
    cidr.ip_version = 6;
  } else {
    return MakeError("'" + input + "' is not an IPv4 or IPv6 address or network");
  }
  cidr.prefix = MaxPrefix(cidr.ip_version);
  if (slash != std::string::npos) {
    const std::string length = input.substr(slash + 1);
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), cidr.prefix);
    if (ec != std::errc() || end != length.data() + length.size() || length.empty() ||
        cidr.prefix < 0 || cidr.prefix > MaxPrefix(cidr.ip_version)) {
      return MakeError("'" + input + "': the prefix length must be 0.." +
                       std::to_string(MaxPrefix(cidr.ip_version)));
    }
  }
  const Cidr network = Masked(cidr);
  if (network != cidr) {
    return MakeError("'" + input + "': host bits set; did you mean " + network.ToString() + "?");
  }
  return cidr;
}

CidrRelation Relate(const Cidr& packet, const Cidr& rule) {
  if (packet.ip_version != rule.ip_version) return CidrRelation::kDisjoint;
  const int common = std::min(packet.prefix, rule.prefix);
  if (!SamePrefix(packet.bytes, rule.bytes, common)) return CidrRelation::kDisjoint;
  return packet.prefix >= rule.prefix ? CidrRelation::kInside : CidrRelation::kPartial;
}

CidrRelation RelateSource(const Cidr& packet, const Cidr& rule) {
  if (packet.IsAny() && packet.ip_version == rule.ip_version) {
    return rule.IsAny() ? CidrRelation::kInside : CidrRelation::kDisjoint;
  }
  return Relate(packet, rule);
}

std::vector<Cidr> SourcesFor(const std::vector<Cidr>& allow_from, int ip_version) {
  if (allow_from.empty()) return {Cidr::Any(ip_version)};
  std::vector<Cidr> sources;
  for (const Cidr& cidr : allow_from) {
    if (cidr.ip_version == ip_version) sources.push_back(cidr);
  }
  return sources;
}

std::string JoinCidrs(const std::vector<Cidr>& cidrs) {
  std::string text;
  for (const Cidr& cidr : cidrs) text += (text.empty() ? "" : ", ") + cidr.ToString();
  return text;
}

}  // namespace dcv
