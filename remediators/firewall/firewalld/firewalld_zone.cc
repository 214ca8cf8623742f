// Parses firewall-cmd's zone listings and evaluates a zone the way firewalld's nftables
// backend orders it: the zone's deny rich rules (reject, drop) first, then its allows
// (services, ports, protocols, accept rich rules), then the zone's target ("default" and
// %%REJECT%% reject, DROP drops, ACCEPT accepts). Only `http` and `https` are resolved to
// ports (80, 443): other services are left alone. Rules restricted to a source or a
// destination do not match "any outside address"; allows among them are kept as notes.
#include "remediators/firewall/firewalld/firewalld_zone.h"

#include <algorithm>
#include <sstream>

namespace dcv {
namespace {

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// "80/tcp", "440-450/tcp", "443" (port="443" in a rich rule, protocol given apart)
std::optional<FirewalldPort> ParsePort(const std::string& spec, const std::string& protocol) {
  const auto slash = spec.find('/');
  const std::string range = spec.substr(0, slash);
  FirewalldPort p;
  p.protocol = slash == std::string::npos ? protocol : spec.substr(slash + 1);
  try {
    const auto dash = range.find('-');
    p.first = std::stoi(range.substr(0, dash));
    p.last = dash == std::string::npos ? p.first : std::stoi(range.substr(dash + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return p;
}

// Splits a rich rule into words, keeping quoted values ("a b") whole and unquoted.
std::vector<std::string> RichWords(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

bool Covers(const FirewalldPort& p, int port) {
  return p.protocol == "tcp" && port >= p.first && port <= p.last;
}

}  // namespace

bool FirewalldZone::HasService(std::string_view service) const {
  return std::find(services.begin(), services.end(), service) != services.end();
}

int ServicePort(std::string_view service) {
  return service == "http" ? 80 : service == "https" ? 443 : 0;
}

std::string PortService(int port) { return port == 80 ? "http" : port == 443 ? "https" : ""; }

FirewalldRichRule ParseRichRule(std::string_view text) {
  FirewalldRichRule r;
  r.text = Trim(text);
  std::string element, port_value, port_protocol;
  bool other_restriction = false;
  for (const std::string& w : RichWords(text)) {
    const auto eq = w.find('=');
    if (eq == std::string::npos) {
      if (w == "not" && element == "source") other_restriction = true;  // source NOT address=
      if (w == "destination" || w == "source-port") other_restriction = true;
      element = w;
      if (w == "accept" || w == "reject" || w == "drop") r.action = w;
      if (w == "source" || w == "destination" || w == "source-port") r.restricted = true;
      continue;
    }
    const std::string key = w.substr(0, eq), value = w.substr(eq + 1);
    if (element == "rule" && key == "family") r.family = value;
    if (element == "service" && key == "name") r.service = value;
    if (element == "source" && key == "address") r.source = value;
    if (element == "source" && key != "address") other_restriction = true;  // ipset=, mac=
    if (element == "port" && key == "port") port_value = value;
    if (element == "port" && key == "protocol") port_protocol = value;
  }
  if (!port_value.empty()) r.port = ParsePort(port_value, port_protocol);
  r.source_only = !r.source.empty() && !other_restriction;
  return r;
}

std::vector<FirewalldZone> ParseFirewalldZones(std::string_view text) {
  std::vector<FirewalldZone> zones;
  std::istringstream in{std::string(text)};
  bool in_rich = false;
  for (std::string line; std::getline(in, line);) {
    if (Trim(line).empty()) continue;
    if (line[0] != ' ' && line[0] != '\t') {  // "public" or "public (active)"
      FirewalldZone z;
      const auto words = Words(line);
      z.name = words[0];
      z.active = line.find("active") != std::string::npos;
      zones.push_back(std::move(z));
      in_rich = false;
      continue;
    }
    if (zones.empty()) continue;
    FirewalldZone& z = zones.back();
    const std::string t = Trim(line);
    const auto colon = t.find(':');
    if (line[0] == '\t' && in_rich) {
      z.rich_rules.push_back(ParseRichRule(t));
      continue;
    }
    if (colon == std::string::npos) continue;
    const std::string key = t.substr(0, colon);
    const auto values = Words(t.substr(colon + 1));
    in_rich = key == "rich rules";
    if (key == "target" && !values.empty()) z.target = values[0];
    if (key == "interfaces") z.interfaces = values;
    if (key == "sources") z.sources = values;
    if (key == "services") z.services = values;
    if (key == "protocols") z.protocols = values;
    if (key == "ports") {
      for (const auto& v : values) {
        if (auto p = ParsePort(v, "")) z.ports.push_back(*p);
      }
    }
  }
  return zones;
}

std::map<std::string, std::vector<std::string>> ParseActiveZones(std::string_view text) {
  std::map<std::string, std::vector<std::string>> zones;
  std::string current;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (Trim(line).empty()) continue;
    if (line[0] != ' ' && line[0] != '\t') {
      current = Words(line)[0];
      zones[current];
    } else if (!current.empty() && Trim(line).rfind("interfaces:", 0) == 0) {
      zones[current] = Words(Trim(line).substr(11));
    }
  }
  return zones;
}

std::string SourceRichRule(const Cidr& source, const std::string& service) {
  return std::string("rule family=\"") + (source.ip_version == 4 ? "ipv4" : "ipv6") +
         "\" source address=\"" + source.ToString() + "\" service name=\"" + service + "\" accept";
}

FirewalldVerdict EvaluateZone(const FirewalldZone& zone, int ip_version, int port,
                              const Cidr& source) {
  FirewalldVerdict v;
  // Does the rule's restriction admit every sender of `source`? (Only a plain source
  // address can; the CA, an arbitrary outside address, is in no named network.)
  auto admits_all = [&](const FirewalldRichRule& r) {
    if (!r.restricted) return true;
    if (!r.source_only || source.IsAny()) return false;
    const Result<Cidr> network = ParseCidr(r.source);
    return network && Relate(source, *network) == CidrRelation::kInside;
  };
  const std::string family = ip_version == 4 ? "ipv4" : "ipv6";
  auto rich_covers = [&](const FirewalldRichRule& r) {
    if (!r.family.empty() && r.family != family) return false;
    return (!r.service.empty() && ServicePort(r.service) == port) || (r.port && Covers(*r.port, port));
  };
  for (const auto& r : zone.rich_rules) {  // deny rich rules come first
    if ((r.action == "reject" || r.action == "drop") && admits_all(r) && rich_covers(r)) {
      v.by = "rich rule `" + r.text + "`";
      v.by_rich_deny = true;
      return v;
    }
  }
  v.open = true;
  for (const auto& s : zone.services) {
    if (ServicePort(s) == port) return v.by = "service " + s, v;
  }
  for (const auto& p : zone.ports) {
    if (Covers(p, port)) return v.by = "port " + std::to_string(p.first) + "/tcp", v;
  }
  if (std::find(zone.protocols.begin(), zone.protocols.end(), "tcp") != zone.protocols.end()) {
    return v.by = "protocol tcp", v;
  }
  for (const auto& r : zone.rich_rules) {
    if (r.action != "accept" || !rich_covers(r)) continue;
    if (admits_all(r)) return v.by = "rich rule `" + r.text + "`", v;
    v.notes.push_back("rich rule `" + r.text + "` accepts only some addresses");
  }
  v.open = zone.target == "ACCEPT";
  v.by = "target " + (zone.target.empty() ? std::string("default") : zone.target);
  return v;
}

}  // namespace dcv
