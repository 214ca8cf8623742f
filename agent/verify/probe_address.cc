// The probe's address policy: a table of the IPv4 and IPv6 ranges that are not public
// unicast space (RFC 6890 and its successors), each with the name given in a refusal.
// An IPv6 address that embeds an IPv4 one (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) is judged
// by the embedded address: otherwise ::ffff:127.0.0.1 would be a way round the table.
#include "agent/verify/probe_address.h"

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace dcv {
namespace {

namespace ip = boost::asio::ip;

struct Range {
  const char* network;
  unsigned prefix;
  const char* what;
};

constexpr Range kV4Ranges[] = {
    {"0.0.0.0", 8, "unspecified (\"this network\") address (0.0.0.0/8)"},
    {"10.0.0.0", 8, "private address (10.0.0.0/8)"},
    {"100.64.0.0", 10, "carrier-grade NAT address (100.64.0.0/10)"},
    {"127.0.0.0", 8, "loopback address (127.0.0.0/8)"},
    {"169.254.0.0", 16, "link-local address (169.254.0.0/16)"},
    {"172.16.0.0", 12, "private address (172.16.0.0/12)"},
    {"192.0.0.0", 24, "IETF protocol assignment (192.0.0.0/24)"},
    {"192.168.0.0", 16, "private address (192.168.0.0/16)"},
    {"198.18.0.0", 15, "benchmarking address (198.18.0.0/15)"},
    {"224.0.0.0", 4, "multicast address (224.0.0.0/4)"},
    {"240.0.0.0", 4, "reserved or broadcast address (240.0.0.0/4)"},
};

constexpr Range kV6Ranges[] = {
    {"::", 128, "unspecified address (::)"},
    {"::1", 128, "loopback address (::1)"},
    {"fc00::", 7, "unique-local address (fc00::/7)"},
    {"fe80::", 10, "link-local address (fe80::/10)"},
    {"fec0::", 10, "site-local address (fec0::/10)"},
    {"ff00::", 8, "multicast address (ff00::/8)"},
    {"100::", 64, "discard-only address (100::/64)"},
};

template <std::size_t N>
bool PrefixMatches(const std::array<unsigned char, N>& bytes,
                   const std::array<unsigned char, N>& network, unsigned prefix) {
  for (unsigned bit = 0; bit < prefix; ++bit) {
    unsigned mask = 0x80u >> (bit % 8);
    if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
  }
  return true;
}

std::optional<std::string> V4Reason(const ip::address_v4& address) {
  for (const Range& range : kV4Ranges) {
    if (PrefixMatches(address.to_bytes(), ip::make_address_v4(range.network).to_bytes(),
                      range.prefix)) {
      return std::string(range.what);
    }
  }
  return std::nullopt;
}

// The IPv4 address inside ::ffff:0:0/96 (mapped) or 64:ff9b::/96 (NAT64), if any.
std::optional<ip::address_v4> EmbeddedV4(const ip::address_v6& address) {
  if (address.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address);
  ip::address_v6::bytes_type bytes = address.to_bytes();
  static const ip::address_v6::bytes_type nat64 = ip::make_address_v6("64:ff9b::").to_bytes();
  if (!PrefixMatches(bytes, nat64, 96)) return std::nullopt;
  return ip::address_v4(ip::address_v4::bytes_type{bytes[12], bytes[13], bytes[14], bytes[15]});
}

std::optional<std::string> V6Reason(const ip::address_v6& address) {
  if (std::optional<ip::address_v4> inner = EmbeddedV4(address)) {
    std::optional<std::string> reason = V4Reason(*inner);
    if (reason) return "IPv6 form of a " + *reason;
    return std::nullopt;
  }
  for (const Range& range : kV6Ranges) {
    if (PrefixMatches(address.to_bytes(), ip::make_address_v6(range.network).to_bytes(),
                      range.prefix)) {
      return std::string(range.what);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NonPublicAddressReason(const ip::address& address) {
  return address.is_v4() ? V4Reason(address.to_v4()) : V6Reason(address.to_v6());
}

std::optional<std::string> RefuseNonPublicSockaddr(const sockaddr* address) {
  ip::address parsed;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    parsed = ip::address_v4(ntohl(v4.sin_addr.s_addr));
  } else if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    parsed = ip::address_v6(bytes);
  } else {
    return "address family " + std::to_string(address->sa_family) + " is not IP";
  }
  std::optional<std::string> reason = NonPublicAddressReason(parsed);
  if (!reason) return std::nullopt;
  return parsed.to_string() + " is a " + *reason;
}

}  // namespace dcv
