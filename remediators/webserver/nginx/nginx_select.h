// Which server block receives a request: nginx's two-stage choice. First the listening
// socket (address:port, family, ipv6only) picks the candidate servers; then the Host
// name picks among them (exact, longest leading wildcard, longest trailing wildcard,
// first matching regex), falling back to the default_server, then the first block.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/webserver/nginx/nginx_config.h"

namespace dcv::nginx {

/// One `listen` of a server block (or the implicit `listen *:80` of a block without one).
struct Listen {
  std::string address;  // "" = wildcard; otherwise an IP literal without brackets
  int port = 80;
  bool ipv6 = false;     // an IPv6 socket
  bool ipv6only = true;  // for IPv6 wildcard sockets: false = also takes IPv4
  bool default_server = false;
  bool ssl = false;
  const Directive* directive = nullptr;  // nullptr for the implicit listen
};

/// A `server` block inside `http`, with what selection needs.
struct ServerBlock {
  const Directive* directive = nullptr;
  std::vector<Listen> listens;
  std::vector<std::string> names;  // server_name values, lower-cased ("" when none)
  bool ssl_on = false;             // legacy `ssl on;`
};

/// Every server block of every http block, in configuration order.
std::vector<ServerBlock> CollectServers(const Config& config);

/// How the block was chosen.
enum class MatchKind { kExact, kWildcardHead, kWildcardTail, kRegex, kDefaultServer, kFirst };

/// The result of selection.
struct Selection {
  const ServerBlock* server = nullptr;
  const Listen* listen = nullptr;  // the listen that took the connection
  MatchKind how = MatchKind::kFirst;
  bool NameMatched() const { return how != MatchKind::kDefaultServer && how != MatchKind::kFirst; }
};

/// Where the request arrives.
struct Endpoint {
  int port = 80;
  bool ipv6 = false;
  /// The host's own addresses (any family). A listen on a specific address takes part
  /// only when that address is one of them (loopback excluded: a CA cannot reach it).
  std::vector<std::string> local_addresses;
};

/// The server block that answers `host` at `endpoint`, or nullopt when nothing listens.
std::optional<Selection> SelectServer(const std::vector<ServerBlock>& servers,
                                      std::string_view host, const Endpoint& endpoint);

/// True if the server_name list contains `host` by exact, wildcard or regex match.
bool ServerNameMatches(const ServerBlock& server, std::string_view host);

/// "exact", "wildcard", "regex", "default_server", "first block".
std::string_view MatchKindName(MatchKind how);

}  // namespace dcv::nginx
