// Listening TCP sockets of this network namespace, read from /proc/net/tcp and tcp6.
#pragma once

#include <string>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

struct Listener {
  std::string address;  // "0.0.0.0", "::", "10.0.0.1", "::ffff:10.0.0.1"
  int port = 0;
  bool ipv6 = false;    // from tcp6
};

/// Parses the text of /proc/net/tcp (ipv6=false) or /proc/net/tcp6 (ipv6=true),
/// keeping sockets in state LISTEN (0A).
std::vector<Listener> ParseProcNetTcp(const std::string& text, bool ipv6);

/// Reads both files of the current network namespace.
Result<std::vector<Listener>> ReadListeners();

/// True if some socket accepts connections to `port` for the family (a wildcard or a
/// specific address; a v6 wildcard socket that is not v6only also takes IPv4, but /proc
/// cannot tell, so an IPv6 wildcard counts for IPv6 only).
bool ListensOn(const std::vector<Listener>& listeners, int port, bool ipv6);

}  // namespace dcv
