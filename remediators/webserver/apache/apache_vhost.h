// The servers of an Apache configuration: the main server and each <VirtualHost>, with
// their addresses, names and TLS setting, the `Listen` sockets, and the choice httpd
// makes for one request: the vhosts bound to the connection's exact address first, else
// those on `*:port`/`_default_:port`; among them the first whose ServerName or
// ServerAlias (with * and ? wildcards) matches Host (SNI for TLS); else the first of the
// set; with no vhost for the address, the main server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "remediators/webserver/apache/apache_config.h"

namespace dcv::apache {

/// One address of <VirtualHost addr[:port] ...>.
struct VhostAddress {
  std::string host;  // "*", "_default_", "192.0.2.1", "::1" (brackets removed)
  int port = 0;      // 0: any port ("*" or none)
  bool Wildcard() const { return host == "*" || host == "_default_"; }
};

/// The main server (directive == nullptr) or one <VirtualHost>.
struct Vhost {
  const Directive* directive = nullptr;
  std::vector<VhostAddress> addresses;
  std::string server_name;  // lower case; from the vhost, else the main server's
  std::vector<std::string> aliases;  // lower case, may hold wildcards
  bool ssl = false;                  // SSLEngine on (vhost, else main server)
  std::string where;                 // "file:line" of <VirtualHost>, or of the main file

  /// The vhost's own directives (the main server's: the top-level ones).
  const std::vector<Directive>& Body(const Config& config) const {
    return directive ? directive->children : config.root;
  }
};

/// One `Listen [addr:]port [protocol]`.
struct ListenSocket {
  std::string address;  // "" for all addresses
  int port = 0;
  bool ipv6 = false;    // an explicit IPv6 address
  std::string where;
};

/// The connection the CA opens.
struct Endpoint {
  int port = 80;
  bool ipv6 = false;
  std::vector<std::string> local_addresses;  // the host's addresses (for IP-based vhosts)
};

/// Every server: index 0 is the main server, then the vhosts in file order.
std::vector<Vhost> CollectVhosts(const Config& config);
std::vector<ListenSocket> CollectListens(const Config& config);

/// True if httpd accepts connections on the endpoint (a Listen covers port and family).
bool Listens(const std::vector<ListenSocket>& listens, const Endpoint& endpoint);

/// The server httpd uses for a request with `host` arriving on `endpoint`.
const Vhost& SelectVhost(const std::vector<Vhost>& vhosts, const std::string& host,
                         const Endpoint& endpoint);

/// Apache's wildcard name match (* and ?), case-insensitive.
bool NameMatches(const std::string& pattern, const std::string& host);

}  // namespace dcv::apache
