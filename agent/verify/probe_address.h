// Which addresses a probe may connect to. A probe fetches URLs chosen by its callers; left
// unchecked it would let them reach the probe's own loopback services, its LAN, a cloud
// metadata endpoint (169.254.169.254) or anything else behind its firewall (SSRF). The
// check is made on the address a socket is about to connect to (hop_transfer.cc asks
// through CURLOPT_OPENSOCKETFUNCTION), so a name that resolves to a public address first
// and a private one later (DNS rebinding) cannot slip past, and every redirect hop, being
// a new connection, is checked again.
#pragma once

#include <optional>
#include <string>

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>

namespace dcv {

/// Why a probe must not connect to `address` ("private address (10.0.0.0/8)", "loopback
/// address", ...), or nothing when it is a public unicast address. IPv4-mapped and NAT64
/// IPv6 addresses are judged by the IPv4 address they carry.
std::optional<std::string> NonPublicAddressReason(const boost::asio::ip::address& address);

/// As NonPublicAddressReason for a socket address (AF_INET or AF_INET6; any other family
/// is refused). The text names the address: "10.0.0.1 is a private address (10.0.0.0/8)".
std::optional<std::string> RefuseNonPublicSockaddr(const sockaddr* address);

}  // namespace dcv
