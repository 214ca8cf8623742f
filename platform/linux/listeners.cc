// Listening sockets from /proc/net/tcp and /proc/net/tcp6 of the current network
// namespace. Addresses there are hex in host byte order per 32-bit word; ports are hex.
// Reading /proc is cheaper than running `ss` and needs no parsing of a tool's text.
#include "platform/listeners.h"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>

namespace dcv {
namespace {

constexpr const char* kStateListen = "0A";

// "0100007F" (IPv4) or 32 hex digits (IPv6), each 32-bit word in host order.
std::string DecodeAddress(const std::string& hex, bool ipv6) {
  const std::size_t words = ipv6 ? 4 : 1;
  if (hex.size() != words * 8) return hex;
  uint32_t raw[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < words; ++i) {
    raw[i] = static_cast<uint32_t>(std::stoul(hex.substr(i * 8, 8), nullptr, 16));
  }
  char text[INET6_ADDRSTRLEN] = {0};
  inet_ntop(ipv6 ? AF_INET6 : AF_INET, raw, text, sizeof text);  // words are already in memory order
  return text;
}

std::string ReadText(const char* path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::vector<Listener> ParseProcNetTcp(const std::string& text, bool ipv6) {
  std::vector<Listener> listeners;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    if (state != kStateListen) continue;
    const std::size_t colon = local.find(':');
    if (colon == std::string::npos) continue;
    Listener listener;
    listener.address = DecodeAddress(local.substr(0, colon), ipv6);
    listener.port = static_cast<int>(std::stoul(local.substr(colon + 1), nullptr, 16));
    listener.ipv6 = ipv6;
    listeners.push_back(listener);
  }
  return listeners;
}

Result<std::vector<Listener>> ReadListeners() {
  std::vector<Listener> all = ParseProcNetTcp(ReadText("/proc/net/tcp"), false);
  std::vector<Listener> v6 = ParseProcNetTcp(ReadText("/proc/net/tcp6"), true);
  all.insert(all.end(), v6.begin(), v6.end());
  return all;
}

bool ListensOn(const std::vector<Listener>& listeners, int port, bool ipv6) {
  for (const Listener& l : listeners) {
    if (l.port != port || l.ipv6 != ipv6) continue;
    if (l.address == "127.0.0.1" || l.address == "::1") continue;  // loopback only
    return true;
  }
  return false;
}

}  // namespace dcv
