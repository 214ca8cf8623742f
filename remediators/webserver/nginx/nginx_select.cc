// Server block selection, following ngx_http_find_virtual_server(). nginx groups servers
// by the socket a connection arrives on: when a server listens on a specific local
// address, connections to that address see only the servers listening there; all other
// connections see the wildcard servers. Among those, the Host name picks: exact name,
// then the longest `*.suffix`, then the longest `prefix.*`, then the first regex (in
// configuration order), then the block marked default_server, then the first block.
#include "remediators/webserver/nginx/nginx_select.h"

#include <algorithm>
#include <cctype>

#include "remediators/webserver/nginx/nginx_script.h"

namespace dcv::nginx {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Parses one `listen` directive; nullopt for unix sockets and unparsable forms.
std::optional<Listen> ParseListen(const Directive& d) {
  if (d.args.empty() || d.args[0].empty() || d.args[0].rfind("unix:", 0) == 0) return std::nullopt;
  Listen listen;
  listen.directive = &d;
  std::string_view spec = d.args[0];
  std::string_view port;
  if (spec[0] == '[') {
    size_t close = spec.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    listen.ipv6 = true;
    listen.address = std::string(spec.substr(1, close - 1));
    if (close + 1 < spec.size() && spec[close + 1] == ':') port = spec.substr(close + 2);
  } else if (IsDigits(spec)) {
    port = spec;
  } else if (size_t colon = spec.rfind(':'); colon != std::string_view::npos) {
    listen.address = std::string(spec.substr(0, colon));
    port = spec.substr(colon + 1);
  } else {
    listen.address = std::string(spec);
  }
  if (!port.empty()) {
    // nginx refuses a port over 65535 ("invalid port"); stoi would throw on a long one.
    if (!IsDigits(port) || port.size() > 5) return std::nullopt;
    listen.port = std::stoi(std::string(port));
    if (listen.port < 1 || listen.port > 65535) return std::nullopt;
  }
  if (listen.address == "*" || listen.address == "0.0.0.0" || listen.address == "::") {
    listen.address.clear();
  }
  if (listen.address == "localhost") listen.address = "127.0.0.1";
  for (size_t i = 1; i < d.args.size(); ++i) {
    const std::string& a = d.args[i];
    if (a == "default_server" || a == "default") listen.default_server = true;
    if (a == "ssl") listen.ssl = true;
    if (a == "ipv6only=off") listen.ipv6only = false;
  }
  return listen;
}

ServerBlock MakeServer(const Directive& server) {
  ServerBlock block;
  block.directive = &server;
  bool saw_name = false;
  for (const Directive& d : server.children) {
    if (d.name == "listen") {
      if (auto l = ParseListen(d)) block.listens.push_back(std::move(*l));
    } else if (d.name == "server_name") {
      saw_name = true;
      for (const std::string& n : d.args) block.names.push_back(Lower(n));
    } else if (d.name == "ssl" && !d.args.empty() && d.args[0] == "on") {
      block.ssl_on = true;
    }
  }
  bool listens_anywhere = std::any_of(server.children.begin(), server.children.end(),
                                      [](const Directive& d) { return d.name == "listen"; });
  if (!listens_anywhere) block.listens.push_back(Listen{});  // *:80
  if (!saw_name) block.names.push_back("");
  return block;
}

bool IsLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1";
}

bool Accepts(const Listen& l, const Endpoint& e) {
  if (l.port != e.port) return false;
  if (l.ipv6 == e.ipv6) return true;
  return !e.ipv6 && l.ipv6 && l.address.empty() && !l.ipv6only;
}

/// The servers sharing the socket the connection reaches, each with its listen.
std::vector<std::pair<const ServerBlock*, const Listen*>> Candidates(
    const std::vector<ServerBlock>& servers, const Endpoint& e) {
  std::string specific;
  for (const std::string& local : e.local_addresses) {
    if (IsLoopback(local) || !specific.empty()) continue;
    for (const ServerBlock& s : servers) {
      for (const Listen& l : s.listens) {
        if (Accepts(l, e) && l.address == local) specific = local;
      }
    }
  }
  std::vector<std::pair<const ServerBlock*, const Listen*>> out;
  for (const ServerBlock& s : servers) {
    for (const Listen& l : s.listens) {
      if (Accepts(l, e) && l.address == specific) {
        out.emplace_back(&s, &l);
        break;
      }
    }
  }
  return out;
}

bool RegexMatches(const std::string& pattern, const std::string& host) {
  return RegexSearch(pattern, host, false, nullptr).value_or(false);
}

/// Length of the matched wildcard part (0 = no match); `head` for "*.x"/".x", else "x.*".
size_t WildcardMatch(const std::string& name, const std::string& host, bool head) {
  if (head) {
    std::string suffix = name[0] == '.' ? name : name.substr(1);  // ".example.com"
    if (name.size() < 2 || (name[0] != '.' && name.rfind("*.", 0) != 0)) return 0;
    if (host.size() > suffix.size() && host.ends_with(suffix)) return suffix.size();
    return 0;
  }
  if (name.size() < 3 || !name.ends_with(".*")) return 0;
  std::string prefix = name.substr(0, name.size() - 1);  // "www.example."
  return host.size() > prefix.size() && host.starts_with(prefix) ? prefix.size() : 0;
}

}  // namespace

std::vector<ServerBlock> CollectServers(const Config& config) {
  std::vector<ServerBlock> servers;
  for (const Directive& top : config.root) {
    if (top.name != "http") continue;
    for (const Directive& d : top.children) {
      if (d.name == "server" && d.has_block) servers.push_back(MakeServer(d));
    }
  }
  return servers;
}

bool ServerNameMatches(const ServerBlock& server, std::string_view host_in) {
  std::string host = Lower(host_in);
  for (const std::string& n : server.names) {
    if (n == host || (n.size() > 1 && n[0] == '.' && n.substr(1) == host)) return true;
    if (!n.empty() && n[0] == '~' && RegexMatches(n.substr(1), host)) return true;
    if (!n.empty() && (WildcardMatch(n, host, true) || WildcardMatch(n, host, false))) return true;
  }
  return false;
}

std::optional<Selection> SelectServer(const std::vector<ServerBlock>& servers,
                                      std::string_view host_in, const Endpoint& endpoint) {
  auto candidates = Candidates(servers, endpoint);
  if (candidates.empty()) return std::nullopt;
  std::string host = Lower(host_in);
  if (!host.empty() && host.back() == '.') host.pop_back();
  for (auto [s, l] : candidates) {  // exact (".x" also means "x")
    for (const std::string& n : s->names) {
      if (n == host || (n.size() > 1 && n[0] == '.' && n.substr(1) == host)) {
        return Selection{s, l, MatchKind::kExact};
      }
    }
  }
  for (bool head : {true, false}) {
    Selection best;
    size_t best_len = 0;
    for (auto [s, l] : candidates) {
      for (const std::string& n : s->names) {
        if (n.empty() || n[0] == '~') continue;
        size_t len = WildcardMatch(n, host, head);
        if (len > best_len) {
          best_len = len;
          best = {s, l, head ? MatchKind::kWildcardHead : MatchKind::kWildcardTail};
        }
      }
    }
    if (best.server != nullptr) return best;
  }
  for (auto [s, l] : candidates) {
    for (const std::string& n : s->names) {
      if (!n.empty() && n[0] == '~' && RegexMatches(n.substr(1), host)) {
        return Selection{s, l, MatchKind::kRegex};
      }
    }
  }
  for (auto [s, l] : candidates) {
    if (l->default_server) return Selection{s, l, MatchKind::kDefaultServer};
  }
  return Selection{candidates[0].first, candidates[0].second, MatchKind::kFirst};
}

std::string_view MatchKindName(MatchKind how) {
  switch (how) {
    case MatchKind::kExact:
      return "exact server_name";
    case MatchKind::kWildcardHead:
      return "leading wildcard server_name";
    case MatchKind::kWildcardTail:
      return "trailing wildcard server_name";
    case MatchKind::kRegex:
      return "regex server_name";
    case MatchKind::kDefaultServer:
      return "default_server";
    case MatchKind::kFirst:
      return "first block for the address:port";
  }
  return "?";
}

}  // namespace dcv::nginx
