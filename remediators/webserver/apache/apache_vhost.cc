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
  return Lower(name);
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
    if (d.section) continue;
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

}  // namespace

bool NameMatches(const std::string& pattern, const std::string& host) {
  return fnmatch(Lower(pattern).c_str(), Lower(host).c_str(), 0) == 0;
}

std::vector<Vhost> CollectVhosts(const Config& config) {
  std::vector<Vhost> out;
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
    std::vector<const Vhost*> set;
    for (size_t i = 1; i < vhosts.size(); ++i) {
      for (const VhostAddress& a : vhosts[i].addresses) {
        if (AddressMatches(a, endpoint, wildcard)) {
          set.push_back(&vhosts[i]);
          break;
        }
      }
    }
    if (set.empty()) continue;
    for (const Vhost* v : set) {
      if (!v->server_name.empty() && NameMatches(v->server_name, name)) return *v;
      for (const std::string& alias : v->aliases) {
        if (NameMatches(alias, name)) return *v;
      }
    }
    return *set.front();
  }
  return vhosts.front();
}

}  // namespace dcv::apache
