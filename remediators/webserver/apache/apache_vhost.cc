// Collects the main server and the <VirtualHost> sections with what selection needs, and
// selects the server for a request the way httpd's vhost.c does: the address set first
// (exact IP:port, then wildcard *:port / _default_:port), then the name (ServerName, then
// ServerAliases in order, wildcards allowed), the first vhost of the set as the default.
// A vhost without ServerName inherits the main server's name, as httpd does.
#include "remediators/webserver/apache/apache_vhost.h"

#include <fnmatch.h>

#include <algorithm>

namespace dcv::apache {
namespace {

/// "example.test:80" -> "example.test"; "[::1]:80" -> "[::1]".
std::string NameWithoutPort(std::string name) {
  if (name.find("://") != std::string::npos) name = name.substr(name.find("://") + 3);
  size_t colon = name.rfind(':');
  if (colon != std::string::npos && name.find(']') == std::string::npos) name.resize(colon);
  return Lower(std::move(name));
}

VhostAddress ParseAddress(const std::string& text) {
  VhostAddress a;
  std::string host = text;
  size_t colon = text.rfind(':');
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    host = text.substr(1, close - 1);
    colon = text.find(':', close);
  } else if (std::count(text.begin(), text.end(), ':') > 1) {
    colon = std::string::npos;  // a bare IPv6 address
  } else {
    host = text.substr(0, colon);
  }
  if (colon != std::string::npos) {
    std::string port = text.substr(colon + 1);
    a.port = port == "*" ? 0 : std::atoi(port.c_str());
  }
  a.host = host;
  return a;
}

/// Reads ServerName, ServerAlias and SSLEngine from a server's body.
void ReadNames(const std::vector<Directive>& body, Vhost& v, bool& ssl_set) {
  for (const Directive& d : body) {
    // All three names start with s: (c | 0x20) == 's' holds for 'S' and 's' only.
    if (d.section || d.name.empty() || (d.name[0] | 0x20) != 's') continue;
    if (d.Is("ServerName") && !d.args.empty()) v.server_name = NameWithoutPort(d.args[0]);
    if (d.Is("ServerAlias")) {
      for (const std::string& a : d.args) v.aliases.push_back(Lower(a));
    }
    if (d.Is("SSLEngine") && !d.args.empty()) {
      v.ssl = EqualsNoCase(d.args[0], "on");
      ssl_set = true;
    }
  }
}

bool AddressMatches(const VhostAddress& a, const Endpoint& e, bool wildcard) {
  if (a.port != 0 && a.port != e.port) return false;
  if (wildcard) return a.Wildcard();
  if (a.Wildcard()) return false;
  bool v6 = a.host.find(':') != std::string::npos;
  return v6 == e.ipv6 &&
         std::find(e.local_addresses.begin(), e.local_addresses.end(), a.host) !=
             e.local_addresses.end();
}

/// NameMatches for a host already in lower case: a pattern without upper case letters or
/// fnmatch specials (* ? [ \\) matches only itself, which spares selection among thousands
/// of vhosts two allocations and an fnmatch per name.
bool MatchesLowerHost(const std::string& pattern, const std::string& lower_host) {
  // A pattern's first and last characters, when letters, digits, '.', '-' or '_', are
  // literals every match starts and ends with: most vhosts' names fail here.
  auto literal = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
  };
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  if (!pattern.empty() && literal(pattern.back()) &&
      (lower_host.empty() || lower(pattern.back()) != lower_host.back())) {
    return false;
  }
  if (!pattern.empty() && literal(pattern.front()) &&
      (lower_host.empty() || lower(pattern.front()) != lower_host.front())) {
    return false;
  }
  bool plain = std::none_of(pattern.begin(), pattern.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || c == '*' || c == '?' || c == '[' || c == '\\';
  });
  if (plain) return pattern == lower_host;
  return fnmatch(Lower(pattern).c_str(), lower_host.c_str(), 0) == 0;
}

}  // namespace

bool NameMatches(const std::string& pattern, const std::string& host) {
  return MatchesLowerHost(pattern, Lower(host));
}

std::vector<Vhost> CollectVhosts(const Config& config) {
  std::vector<Vhost> out;
  out.reserve(1 + static_cast<size_t>(std::count_if(config.root.begin(), config.root.end(), [](const Directive& d) {
                    return d.section && d.Is("VirtualHost");
                  })));
  Vhost main;
  bool main_ssl_set = false;
  ReadNames(config.root, main, main_ssl_set);
  main.where = config.conf_path + ":1";
  out.push_back(main);
  for (const Directive& d : config.root) {
    if (!d.section || !d.Is("VirtualHost")) continue;
    Vhost v;
    v.directive = &d;
    v.where = config.Where(d);
    for (const std::string& a : d.args) v.addresses.push_back(ParseAddress(a));
    bool ssl_set = false;
    ReadNames(d.children, v, ssl_set);
    if (v.server_name.empty()) v.server_name = main.server_name;
    if (!ssl_set) v.ssl = main.ssl;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<ListenSocket> CollectListens(const Config& config) {
  std::vector<ListenSocket> out;
  for (const Directive& d : config.root) {
    if (d.section || !d.Is("Listen") || d.args.empty()) continue;
    ListenSocket l;
    l.where = config.Where(d);
    const std::string& a = d.args[0];
    size_t colon = a.rfind(':');
    if (colon == std::string::npos) {
      l.port = std::atoi(a.c_str());
    } else {
      l.address = a.substr(0, colon);
      l.port = std::atoi(a.c_str() + colon + 1);
      if (!l.address.empty() && l.address[0] == '[') {
        l.address = l.address.substr(1, l.address.size() - 2);
        l.ipv6 = true;
      }
      if (l.address == "0.0.0.0" || l.address == "::" || l.address == "*") l.address.clear();
    }
    out.push_back(std::move(l));
  }
  return out;
}

bool Listens(const std::vector<ListenSocket>& listens, const Endpoint& e) {
  for (const ListenSocket& l : listens) {
    if (l.port != e.port) continue;
    if (l.address.empty() && (!l.ipv6 || e.ipv6)) return true;
    bool v6 = l.address.find(':') != std::string::npos;
    if (!l.address.empty() && v6 == e.ipv6 &&
        std::find(e.local_addresses.begin(), e.local_addresses.end(), l.address) !=
            e.local_addresses.end()) {
      return true;
    }
    if (l.address.empty() && l.ipv6 && e.ipv6) return true;
  }
  return false;
}

const Vhost& SelectVhost(const std::vector<Vhost>& vhosts, const std::string& host,
                         const Endpoint& endpoint) {
  std::string name = NameWithoutPort(host);
  for (bool wildcard : {false, true}) {
    // One pass in file order: the first vhost of the address set that names the host,
    // else the first of the set.
    const Vhost* first = nullptr;
    for (size_t i = 1; i < vhosts.size(); ++i) {
      const Vhost* v = &vhosts[i];
      bool in_set = std::any_of(v->addresses.begin(), v->addresses.end(),
                                [&](const VhostAddress& a) { return AddressMatches(a, endpoint, wildcard); });
      if (!in_set) continue;
      if (first == nullptr) first = v;
      if (!v->server_name.empty() && MatchesLowerHost(v->server_name, name)) return *v;
      for (const std::string& alias : v->aliases) {
        if (MatchesLowerHost(alias, name)) return *v;
      }
    }
    if (first != nullptr) return *first;
  }
  return vhosts.front();
}

}  // namespace dcv::apache
