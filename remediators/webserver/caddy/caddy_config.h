// Caddy's configuration as Caddy itself adapted it: the JSON of `caddy adapt` (the
// Caddyfile adapter's real output), reduced to what decides the answer to a validation
// URL: the HTTP servers with their listen ports and automatic-HTTPS settings, and their
// routes (matchers, handlers, groups, terminal flags), nested through subroutes.
#pragma once

#include <string>
#include <vector>

#include "agent/core/result.h"

namespace dcv::caddy {

/// One matcher set of a route: all of its parts must match (a route's sets are OR'ed).
struct MatchSet {
  std::vector<std::string> hosts;        // empty: any host
  std::vector<std::string> paths;        // empty: any path
  std::string protocol;                  // "http", "https" or empty
  std::vector<std::string> unsupported;  // matcher names the prediction cannot evaluate
};

struct Route;

/// One handler of a route, as far as the prediction needs it.
struct Handler {
  std::string kind;           // the JSON "handler": file_server, static_response, vars, ...
  std::string root;           // vars.root or file_server.root
  int status = 0;             // static_response / error status_code
  std::string location;       // static_response Location header
  std::string body;           // static_response body
  std::string upstream;       // reverse_proxy: the first dial address
  std::vector<Route> routes;  // subroute
};

struct Route {
  std::string group;
  std::vector<MatchSet> match;  // empty: matches every request
  std::vector<Handler> handle;
  bool terminal = false;
};

/// automatic_https of one server.
struct AutoHttps {
  bool disable = false;
  bool disable_redirects = false;
  std::vector<std::string> skip;  // hosts left out
};

struct Server {
  std::string name;        // "srv0"
  std::vector<int> ports;  // every port of every listen address
  std::vector<Route> routes;
  AutoHttps auto_https;
  bool tls_policies = false;  // tls_connection_policies present
};

struct Config {
  std::vector<Server> servers;
  int http_port = 80;
  int https_port = 443;
};

/// Parses `caddy adapt` output. Errors name what is malformed.
Result<Config> ParseAdapted(const std::string& json_text);

/// The host names that the server's top-level routes match (automatic HTTPS's names).
std::vector<std::string> ServerHosts(const Server& server);

}  // namespace dcv::caddy
