// The route walk behind caddy::Predict. Handlers that only decorate the response
// (encode, headers, vars without root, log...) pass through; the first handler that
// writes a response decides: file_server (200 when the file exists under the root, else
// 404), static_response (a redirect when it sets Location), error, reverse_proxy and
// the other proxies, authentication (401). A handler or matcher the walk does not model
// makes the answer unknown rather than wrong. Caddy answers an empty 200 when no handler
// responds.
#include "remediators/webserver/caddy/caddy_predict.h"

#include <fnmatch.h>

#include <algorithm>
#include <optional>
#include <set>

namespace dcv::caddy {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// The state of one request while routes run.
struct Walk {
  const Request& request;
  const FileExists& exists;
  std::string root;
  bool stopped = false;  // a terminal route ended the list without a response
};

const std::set<std::string> kPassThrough = {"vars", "encode",    "headers", "request_body", "log_append",
                                            "push", "templates", "tracing", "map",          "intercept"};
const std::set<std::string> kProxies = {"reverse_proxy", "php_fastcgi", "fastcgi"};

bool SetMatches(const MatchSet& m, const Request& r, std::string& unsupported) {
  if (!m.unsupported.empty()) {
    unsupported = m.unsupported.front();
    return false;
  }
  bool host = m.hosts.empty() || std::any_of(m.hosts.begin(), m.hosts.end(),
                                             [&](const std::string& h) { return HostMatches(h, r.host); });
  bool path = m.paths.empty() || std::any_of(m.paths.begin(), m.paths.end(),
                                             [&](const std::string& p) { return PathMatches(p, r.path); });
  bool protocol = m.protocol.empty() || m.protocol == (r.https ? "https" : "http");
  return host && path && protocol;
}

std::optional<Answer> RunRoutes(const std::vector<Route>& routes, Walk& walk);

Answer Fixed(Outcome outcome, int status, const Handler& h, std::string note) {
  Answer a;
  a.outcome = outcome;
  a.status = status;
  a.handler = h.kind;
  a.note = std::move(note);
  return a;
}

std::string Substitute(std::string text, const Request& r) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  };
  replace("{http.request.uri}", r.path);
  replace("{http.request.uri.path}", r.path);
  replace("{http.request.host}", r.host);
  replace("{http.request.hostport}", r.host);
  return text;
}

std::optional<Answer> RunHandler(const Handler& h, Walk& walk) {
  const Request& r = walk.request;
  if (h.kind == "vars" && !h.root.empty()) walk.root = h.root;
  if (kPassThrough.count(h.kind)) return std::nullopt;
  if (h.kind == "subroute") return RunRoutes(h.routes, walk);
  if (h.kind == "file_server") {
    std::string root = h.root.empty() ? walk.root : h.root;
    if (root.empty() || root.find('{') != std::string::npos) {
      return Fixed(Outcome::kUnknown, 0, h, "file_server without a literal root");
    }
    Answer a = Fixed(Outcome::kFile, 0, h, "file_server with root " + root);
    a.docroot = root;
    a.file = (root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root) + r.path;
    a.status = walk.exists(a.file) ? 200 : 404;
    return a;
  }
  if (h.kind == "static_response") {
    int status = h.status ? h.status : 200;
    if (!h.location.empty()) {
      Answer a = Fixed(Outcome::kRedirect, status, h, "redir");
      a.location = Substitute(h.location, r);
      return a;
    }
    Answer a = Fixed(Outcome::kStatus, status, h, "respond");
    a.body = h.body;
    return a;
  }
  if (h.kind == "error") return Fixed(Outcome::kStatus, h.status ? h.status : 500, h, "error");
  if (kProxies.count(h.kind)) return Fixed(Outcome::kUpstream, 0, h, h.kind + " " + h.upstream);
  if (h.kind == "authentication") return Fixed(Outcome::kStatus, 401, h, "basicauth");
  return Fixed(Outcome::kUnknown, 0, h, "handler " + h.kind + " is not modelled");
}

std::optional<Answer> RunRoutes(const std::vector<Route>& routes, Walk& walk) {
  std::set<std::string> groups;
  for (const Route& route : routes) {
    if (!route.group.empty() && groups.count(route.group)) continue;
    bool matched = route.match.empty();
    for (const MatchSet& m : route.match) {
      std::string unsupported;
      if (SetMatches(m, walk.request, unsupported)) matched = true;
      if (!unsupported.empty()) {
        return Fixed(Outcome::kUnknown, 0, Handler{}, "depends on a `" + unsupported + "` matcher");
      }
    }
    if (!matched) continue;
    if (!route.group.empty()) groups.insert(route.group);
    for (const Handler& h : route.handle) {
      if (std::optional<Answer> a = RunHandler(h, walk)) return a;
      if (walk.stopped) return std::nullopt;
    }
    if (route.terminal) {
      walk.stopped = true;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool Listens(const Server& s, int port) { return std::count(s.ports.begin(), s.ports.end(), port) > 0; }

bool IsTls(const Config& c, const Server& s) {
  if (s.auto_https.disable) return s.tls_policies;
  return s.tls_policies || Listens(s, c.https_port) || (!ServerHosts(s).empty() && !Listens(s, c.http_port));
}

/// A TLS server that names the host and keeps automatic redirects: Caddy redirects to it.
bool AutoRedirects(const Config& c, const std::string& host) {
  for (const Server& s : c.servers) {
    if (s.auto_https.disable || s.auto_https.disable_redirects || !IsTls(c, s)) continue;
    if (std::count(s.auto_https.skip.begin(), s.auto_https.skip.end(), host)) continue;
    for (const std::string& h : ServerHosts(s)) {
      if (HostMatches(h, host)) return true;
    }
  }
  return false;
}

}  // namespace

bool PathMatches(const std::string& pattern_in, const std::string& path_in) {
  std::string pattern = Lower(pattern_in), path = Lower(path_in);
  if (pattern == "*") return true;
  size_t stars = std::count(pattern.begin(), pattern.end(), '*');
  bool lead = !pattern.empty() && pattern.front() == '*', trail = !pattern.empty() && pattern.back() == '*';
  if (stars == 2 && lead && trail)
    return path.find(pattern.substr(1, pattern.size() - 2)) != std::string::npos;
  if (stars == 1 && trail) return path.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  if (stars == 1 && lead) return path.size() >= pattern.size() - 1 && path.ends_with(pattern.substr(1));
  if (stars > 0) return fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
  return pattern == path;
}

bool HostMatches(const std::string& pattern_in, const std::string& host_in) {
  std::string pattern = Lower(pattern_in), host = Lower(host_in);
  if (pattern.rfind("*.", 0) != 0) return pattern == host;
  size_t dot = host.find('.');
  return dot != std::string::npos && host.substr(dot) == pattern.substr(1);
}

Answer Predict(const Config& config, const Request& request, const FileExists& exists) {
  const Server* server = nullptr;
  for (const Server& s : config.servers) {
    if (Listens(s, request.port)) server = server ? server : &s;
  }
  bool redirects = !request.https && request.port == config.http_port && AutoRedirects(config, request.host);
  if (server == nullptr && !redirects) {
    Answer none;
    none.outcome = Outcome::kNoListener;
    none.note = "nothing listens";
    return none;
  }
  if (server != nullptr) {
    Walk walk{request, exists, "", false};
    std::optional<Answer> a = RunRoutes(server->routes, walk);
    bool tls_mismatch = IsTls(config, *server) != request.https;
    if (a) {
      a->server = server->name;
      a->tls_mismatch = tls_mismatch;
      return *a;
    }
    if (!redirects || walk.stopped) {
      Answer empty{Outcome::kStatus,     200, "", "", "", "", tls_mismatch, false, "", server->name,
                   "no handler responds"};
      return empty;
    }
  }
  Answer a{Outcome::kRedirect,
           308,
           "",
           "",
           "",
           "",
           false,
           true,
           "static_response",
           "",
           "Caddy's automatic HTTPS redirect"};
  a.location = "https://" + request.host +
               (config.https_port == 443 ? "" : ":" + std::to_string(config.https_port)) + request.path;
  return a;
}

std::string DescribeAnswer(const Answer& a) {
  switch (a.outcome) {
    case Outcome::kNoListener:
      return "nothing listens";
    case Outcome::kFile:
      return std::to_string(a.status) + " " + a.file;
    case Outcome::kRedirect:
      return std::to_string(a.status) + " -> " + a.location + " (" + a.note + ")";
    case Outcome::kStatus:
      return std::to_string(a.status) + " (" + a.note + ")";
    case Outcome::kUpstream:
      return a.note;
    case Outcome::kUnknown:
      return "unknown (" + a.note + ")";
  }
  return "";
}

}  // namespace dcv::caddy
