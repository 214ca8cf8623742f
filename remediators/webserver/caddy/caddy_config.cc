// Reading `caddy adapt` JSON into the reduced model of caddy_config.h. Only the http app
// matters; handler kinds the prediction does not know are kept by name (the predictor
// treats them as pass-through middleware or as unknown). Listen addresses take Caddy's
// network-address forms: ":80", "0.0.0.0:443", "[::]:80", "tcp/:8080", ":8000-8010".
#include "remediators/webserver/caddy/caddy_config.h"

#include <nlohmann/json.hpp>

namespace dcv::caddy {
namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const json& v : value) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<int> PortsOf(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return {};
  std::string range = address.substr(colon + 1);
  size_t dash = range.find('-');
  try {
    int low = std::stoi(range.substr(0, dash));
    int high = dash == std::string::npos ? low : std::stoi(range.substr(dash + 1));
    std::vector<int> ports;
    for (int p = low; p <= high && ports.size() < 1024; ++p) ports.push_back(p);
    return ports;
  } catch (const std::exception&) {
    return {};
  }
}

MatchSet ParseMatchSet(const json& set) {
  MatchSet m;
  for (const auto& [name, value] : set.items()) {
    if (name == "host") {
      m.hosts = Strings(value);
    } else if (name == "path") {
      m.paths = Strings(value);
    } else if (name == "protocol" && value.is_string()) {
      m.protocol = value.get<std::string>();
    } else {
      m.unsupported.push_back(name);
    }
  }
  return m;
}

Route ParseRoute(const json& route);

Handler ParseHandler(const json& h) {
  Handler out;
  out.kind = h.value("handler", "");
  out.root = h.value("root", "");
  out.status = h.contains("status_code") && h["status_code"].is_number() ? h["status_code"].get<int>() : 0;
  if (h.contains("status_code") && h["status_code"].is_string()) {
    out.status = std::atoi(h["status_code"].get<std::string>().c_str());
  }
  if (h.contains("headers") && h["headers"].contains("Location")) {
    std::vector<std::string> location = Strings(h["headers"]["Location"]);
    if (!location.empty()) out.location = location.front();
  }
  out.body = h.value("body", "");
  if (h.contains("upstreams") && h["upstreams"].is_array() && !h["upstreams"].empty()) {
    out.upstream = h["upstreams"][0].value("dial", "");
  }
  if (h.contains("routes") && h["routes"].is_array()) {
    for (const json& r : h["routes"]) out.routes.push_back(ParseRoute(r));
  }
  return out;
}

Route ParseRoute(const json& route) {
  Route r;
  r.group = route.value("group", "");
  r.terminal = route.value("terminal", false);
  if (route.contains("match") && route["match"].is_array()) {
    for (const json& set : route["match"]) r.match.push_back(ParseMatchSet(set));
  }
  if (route.contains("handle") && route["handle"].is_array()) {
    for (const json& h : route["handle"]) r.handle.push_back(ParseHandler(h));
  }
  return r;
}

void CollectHosts(const std::vector<Route>& routes, std::vector<std::string>& out) {
  for (const Route& r : routes) {
    for (const MatchSet& m : r.match) out.insert(out.end(), m.hosts.begin(), m.hosts.end());
  }
}

}  // namespace

Result<Config> ParseAdapted(const std::string& json_text) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return MakeError("caddy adapt output is not a JSON object");
  Config config;
  const json* http = nullptr;
  if (doc.contains("apps") && doc["apps"].contains("http")) http = &doc["apps"]["http"];
  if (http == nullptr) return config;  // no http app: nothing listens
  config.http_port = http->value("http_port", 80);
  config.https_port = http->value("https_port", 443);
  if (!http->contains("servers")) return config;
  for (const auto& [name, s] : (*http)["servers"].items()) {
    Server server;
    server.name = name;
    for (const std::string& address : Strings(s.value("listen", json::array()))) {
      for (int port : PortsOf(address)) server.ports.push_back(port);
    }
    for (const json& r : s.value("routes", json::array())) server.routes.push_back(ParseRoute(r));
    const json a = s.value("automatic_https", json::object());
    server.auto_https = AutoHttps{a.value("disable", false), a.value("disable_redirects", false),
                                  Strings(a.value("skip", json::array()))};
    server.tls_policies = s.contains("tls_connection_policies");
    config.servers.push_back(std::move(server));
  }
  return config;
}

std::vector<std::string> ServerHosts(const Server& server) {
  std::vector<std::string> hosts;
  CollectHosts(server.routes, hosts);
  return hosts;
}

}  // namespace dcv::caddy
